import { describe, expect, it } from "vitest";
import { ROLES, type Role, SUBMISSION_STATUSES, type SubmissionStatus } from "@/lib/domain";
import { decide, WORKFLOW_ACTIONS, type WorkflowAction, type WorkflowContext } from "./transitions";

/** Written out by hand: who may do what from which state, and where it leads (with a permissive context). */
const ALLOWED: Record<WorkflowAction, [Role[], SubmissionStatus[], SubmissionStatus | "same"]> = {
  // A department user edits too (only their items: db/editing.ts); submitting and replying stay the lead's.
  edit: [["city_staff", "department_staff"], ["draft", "returned"], "same"],
  submit: [["city_staff"], ["draft", "returned"], "submitted"],
  review_item: [["reviewer"], ["submitted", "in_review"], "in_review"],
  approve: [["reviewer"], ["submitted", "in_review"], "in_review"],
  return: [["reviewer"], ["submitted", "in_review"], "returned"],
  reply: [["city_staff"], ["returned"], "same"],
  reopen: [["admin"], ["verified"], "submitted"],
  mark_not_submitted: [["admin"], ["draft", "submitted", "in_review", "returned"], "not_submitted"],
};

const permissive = (role: Role, state: SubmissionStatus): WorkflowContext => ({
  role,
  state,
  roundStatus: "open",
  assigned: true,
  hasQuery: true,
  reason: "because",
});

describe("every cell of the transition table (role × state × action)", () => {
  for (const action of WORKFLOW_ACTIONS) {
    const [allowedRoles, fromStates, to] = ALLOWED[action];
    for (const role of ROLES) {
      for (const state of SUBMISSION_STATUSES) {
        const expected = !allowedRoles.includes(role)
          ? { ok: false, reason: "roleNotAllowed" }
          : !fromStates.includes(state)
            ? { ok: false, reason: "wrongState" }
            : { ok: true, to: to === "same" ? state : to };
        it(`${action} by ${role} from ${state} → ${expected.ok ? `ok ${expected.to}` : expected.reason}`, () => {
          expect(decide(action, permissive(role, state))).toEqual(expected);
        });
      }
    }
  }
});

describe("rules beyond role and state", () => {
  it("refuses everything while the round is a draft or finalised", () => {
    for (const action of WORKFLOW_ACTIONS) {
      const [[role], [state]] = ALLOWED[action];
      for (const roundStatus of ["draft", "finalised"] as const) {
        expect(decide(action, { ...permissive(role!, state!), roundStatus })).toEqual({
          ok: false,
          reason: "roundNotOpen",
        });
      }
    }
  });

  it("refuses a submission after the deadline", () => {
    expect(decide("submit", { ...permissive("city_staff", "draft"), pastDeadline: true })).toEqual({
      ok: false,
      reason: "pastDeadline",
    });
  });

  it("lets only an assigned reviewer act, and never on two stages of one version", () => {
    for (const action of ["review_item", "approve", "return"] as const) {
      expect(decide(action, { ...permissive("reviewer", "in_review"), assigned: false })).toEqual({
        ok: false,
        reason: "notAssigned",
      });
      expect(decide(action, { ...permissive("reviewer", "in_review"), reviewedAtOtherStage: true })).toEqual({
        ok: false,
        reason: "sameReviewerTwice",
      });
    }
  });

  it("verifies after the last stage's approval", () => {
    expect(decide("approve", { ...permissive("reviewer", "in_review"), lastStage: true })).toEqual({
      ok: true,
      to: "verified",
    });
  });

  it("returns only with at least one query", () => {
    expect(decide("return", { ...permissive("reviewer", "in_review"), hasQuery: false })).toEqual({
      ok: false,
      reason: "returnNeedsQuery",
    });
  });

  it("needs the admin's reason to reopen or to mark a module not submitted", () => {
    expect(decide("reopen", { ...permissive("admin", "verified"), reason: " " })).toEqual({
      ok: false,
      reason: "reasonRequired",
    });
    expect(decide("mark_not_submitted", { ...permissive("admin", "draft"), reason: undefined })).toEqual({
      ok: false,
      reason: "reasonRequired",
    });
  });
});
