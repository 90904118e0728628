import { describe, expect, it } from "vitest";
import { ROLES, ROUND_STATUSES, type Role, type RoundStatus } from "@/lib/domain";
import { decideRound, ROUND_ACTIONS, type RoundAction, type RoundDecision, roundAllows } from "./round-lifecycle";

/** Every cell of the table: action × round state → outcome, for the role that may act. */
const EXPECTED: Record<RoundAction, Record<RoundStatus, RoundDecision>> = {
  open: {
    draft: { ok: true, to: "open" },
    open: { ok: false, reason: "roundNotDraft" },
    finalised: { ok: false, reason: "roundNotDraft" },
  },
  edit_framework: {
    draft: { ok: true, to: "draft" },
    open: { ok: false, reason: "roundNotDraft" },
    finalised: { ok: false, reason: "roundNotDraft" },
  },
  set_participation: {
    draft: { ok: true, to: "draft" },
    open: { ok: false, reason: "roundNotDraft" },
    finalised: { ok: false, reason: "roundNotDraft" },
  },
  edit_settings: {
    draft: { ok: true, to: "draft" },
    open: { ok: true, to: "open" },
    finalised: { ok: false, reason: "roundFinalised" },
  },
  finalise: {
    draft: { ok: false, reason: "roundNotOpen" },
    open: { ok: true, to: "finalised" },
    finalised: { ok: false, reason: "roundNotOpen" },
  },
  reopen: {
    draft: { ok: false, reason: "roundNotFinalised" },
    open: { ok: false, reason: "roundNotFinalised" },
    finalised: { ok: true, to: "open" },
  },
  assign_reviewers: {
    draft: { ok: true, to: "draft" },
    open: { ok: true, to: "open" },
    finalised: { ok: false, reason: "roundFinalised" },
  },
  file_appeal: {
    draft: { ok: false, reason: "roundNotOpen" },
    open: { ok: true, to: "open" },
    finalised: { ok: false, reason: "roundNotOpen" },
  },
  assign_appeal: {
    draft: { ok: false, reason: "roundNotOpen" },
    open: { ok: true, to: "open" },
    finalised: { ok: false, reason: "roundNotOpen" },
  },
  decide_appeal: {
    draft: { ok: false, reason: "roundNotOpen" },
    open: { ok: true, to: "open" },
    finalised: { ok: false, reason: "roundNotOpen" },
  },
  draw_calibration: {
    draft: { ok: false, reason: "roundNotOpen" },
    open: { ok: true, to: "open" },
    finalised: { ok: false, reason: "roundNotOpen" },
  },
  calibrate: {
    draft: { ok: false, reason: "roundNotOpen" },
    open: { ok: true, to: "open" },
    finalised: { ok: false, reason: "roundNotOpen" },
  },
};
const WHO: Record<RoundAction, Role> = {
  open: "admin",
  edit_framework: "admin",
  set_participation: "admin",
  edit_settings: "admin",
  finalise: "admin",
  reopen: "admin",
  assign_reviewers: "admin",
  file_appeal: "city_staff",
  assign_appeal: "admin",
  decide_appeal: "reviewer",
  draw_calibration: "admin",
  calibrate: "reviewer",
};
const ready = { cityCount: 3, reason: "更正数据" };

describe("the round lifecycle table", () => {
  it("has an expected outcome for every action it knows", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...ROUND_ACTIONS].sort());
  });

  for (const action of ROUND_ACTIONS) {
    for (const status of ROUND_STATUSES) {
      it(`${action} on a ${status} round: ${JSON.stringify(EXPECTED[action][status])}`, () => {
        expect(decideRound(action, { status, role: WHO[action], ...ready })).toEqual(EXPECTED[action][status]);
        expect(roundAllows(action, status)).toBe(EXPECTED[action][status].ok); // what the pages show
        expect(decideRound(action, { status, role: "system", ...ready })).toEqual(EXPECTED[action][status]); // seeding and scripts: the states hold for them too
      });
      for (const role of ROLES.filter((r) => r !== WHO[action])) {
        it(`${action} on a ${status} round is refused to ${role}`, () => {
          expect(decideRound(action, { status, role, ...ready })).toEqual({ ok: false, reason: "roleNotAllowed" });
        });
      }
    }
  }

  it("a round opens only with participating cities, and reopens only with a reason", () => {
    expect(decideRound("open", { status: "draft", role: "admin", cityCount: 0 })).toEqual({
      ok: false,
      reason: "noCities",
    });
    expect(decideRound("reopen", { status: "finalised", role: "admin", reason: "  " })).toEqual({
      ok: false,
      reason: "reasonRequired",
    });
  });
});
