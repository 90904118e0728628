import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/domain";
import { saveAnswer } from "./answers";
import { listAppealsForCity, listAppealsForReviewer } from "./appeal-lists";
import { assignAppeal, decideAppeal, fileAppeal } from "./appeals";
import type { Db } from "./client";
import { finaliseRound, listBlockers, markNotSubmitted } from "./finalise";
import { decideItem, listAdjustmentsInForce } from "./item-decisions";
import { approveSubmission, reopenSubmission } from "./reviews";
import { auditLog, modules, notifications, rounds } from "./schema";
import { createModuleBRound, createTestDb, createTestUser } from "./test-db";

let db: Db;
let roundId: number;
let staff: SessionUser;
let initial: SessionUser;
let final: SessionUser;
let other: SessionUser;
let admin: SessionUser;
let itemId: (code: string) => number;
let submissionId: number;
const NOW = new Date("2026-11-20T08:00:00Z");

beforeEach(async () => {
  db = createTestDb();
  let submitB: () => number;
  ({ roundId, staff, other, initial, final, admin, itemId, submitB } = await createModuleBRound(db, "appeals"));
  // Module B verified: 初审 adjusted B4.1 (156.4 → 45); 复审 accepted the rest.
  submissionId = submitB();
  expect(
    decideItem(db, initial, {
      submissionId,
      itemId: itemId("B4.1"),
      version: 1,
      action: "adjust",
      adjustedValue: 45,
      comment: "按统计局口径核减",
    }).ok,
  ).toBe(true);
  expect(approveSubmission(db, initial, submissionId, 1).ok).toBe(true);
  expect(approveSubmission(db, final, submissionId, 1)).toEqual({ ok: true, verified: true });
  // Preliminary results with a correction window until 1 December.
  db.update(rounds)
    .set({ preliminaryResults: true, appealDeadline: new Date("2026-12-01T15:59:59Z") })
    .where(eq(rounds.id, roundId))
    .run();
});

describe("appeals in the correction window", () => {
  it("are decided by the stage whose decision is in force: an amendment is scored, an upheld decision stays", () => {
    const onAdjusted = fileAppeal(
      db,
      staff,
      {
        itemId: itemId("B4.1"),
        reason: "45 为 2018 年口径，2019 年统计公报为 120",
        evidenceUrl: "https://stats.hangzhou.example.gov.cn/2019",
      },
      NOW,
    );
    const onAccepted = fileAppeal(db, staff, { itemId: itemId("B1.1"), reason: "基站数已按新口径统计" }, NOW);
    expect(onAdjusted.ok && onAccepted.ok).toBe(true);
    expect(fileAppeal(db, staff, { itemId: itemId("B4.1"), reason: "再次申诉" }, NOW)).toEqual({
      ok: false,
      reason: "alreadyAppealed",
    });
    const adjustedId = onAdjusted.ok ? onAdjusted.id : 0;
    const acceptedId = onAccepted.ok ? onAccepted.id : 0;

    // 初审 adjusted B4.1 and decides that appeal; 复审 (the last stage, which approved B1.1) decides the other.
    expect(listAppealsForReviewer(db, initial).map((a) => a.itemCode)).toEqual(["B4.1"]);
    expect(listAppealsForReviewer(db, final).map((a) => a.itemCode)).toEqual(["B1.1"]);
    expect(decideAppeal(db, final, { appealId: adjustedId, outcome: "upheld", reason: "维持" }, NOW)).toEqual({
      ok: false,
      reason: "notAssigned",
    });
    expect(
      decideAppeal(
        db,
        initial,
        { appealId: adjustedId, outcome: "amended", reason: "按 2019 年公报改为 120", amendedValue: 120 },
        NOW,
      ),
    ).toEqual({ ok: true });
    expect(decideAppeal(db, initial, { appealId: adjustedId, outcome: "upheld", reason: "维持" }, NOW)).toEqual({
      ok: false,
      reason: "alreadyDecided",
    });
    expect(
      listAdjustmentsInForce(db, { submissionIds: [submissionId] }).map((a) => [
        a.itemCode,
        a.adjustedValue,
        a.comment,
      ]),
    ).toEqual([["B4.1", 120, "按 2019 年公报改为 120"]]);

    // Finalising waits for the open appeal.
    for (const blocker of listBlockers(db, roundId)) {
      const moduleId = db
        .select()
        .from(modules)
        .where(and(eq(modules.roundId, roundId), eq(modules.code, blocker.moduleCode)))
        .get()!.id;
      expect(markNotSubmitted(db, admin, { roundId, cityId: blocker.cityId, moduleId, reason: "逾期" }).ok).toBe(true);
    }
    expect(finaliseRound(db, admin, roundId)).toEqual({ ok: false, reason: "appealsOpen", count: 1 });
    expect(
      decideAppeal(
        db,
        final,
        { appealId: acceptedId, outcome: "upheld", reason: "公报口径与填报一致，维持原决定" },
        NOW,
      ),
    ).toEqual({ ok: true });
    const finalised = finaliseRound(db, admin, roundId);
    expect(finalised.ok).toBe(true);
    // Appeals of a finalised round are closed: handing one over is refused with a reason, not a failure.
    expect(assignAppeal(db, admin, acceptedId, final.id)).toEqual({ ok: false, reason: "roundNotOpen" });
    // …and so is filing one: the window closes with the round, whatever its deadline says.
    expect(fileAppeal(db, staff, { itemId: itemId("B1.1"), reason: "定稿之后" }, NOW)).toEqual({
      ok: false,
      reason: "windowClosed",
    });

    // The city was told each outcome; everything is in the audit log.
    const kinds = db
      .select()
      .from(notifications)
      .where(eq(notifications.userId, staff.id))
      .all()
      .map((n) => n.kind);
    expect(kinds).toEqual(expect.arrayContaining(["appealAmended", "appealUpheld"]));
    expect(listAppealsForCity(db, roundId, staff.cityId!).map((a) => [a.itemCode, a.appeal.status])).toEqual([
      ["B1.1", "upheld"],
      ["B4.1", "amended"],
    ]);
    const actions = db
      .select({ action: auditLog.action })
      .from(auditLog)
      .all()
      .map((r) => r.action);
    expect(actions.filter((a) => a.startsWith("appeal."))).toEqual([
      "appeal.filed",
      "appeal.filed",
      "appeal.amended",
      "appeal.upheld",
    ]);
  });

  it("are refused outside the window, on unverified modules, from another city and to other roles", () => {
    expect(fileAppeal(db, staff, { itemId: itemId("B4.1"), reason: "晚了" }, new Date("2026-12-02T00:00:00Z"))).toEqual(
      { ok: false, reason: "windowClosed" },
    );
    expect(fileAppeal(db, other, { itemId: itemId("B4.1"), reason: "别人的" }, NOW)).toEqual({
      ok: false,
      reason: "notFound",
    });
    expect(fileAppeal(db, initial, { itemId: itemId("B4.1"), reason: "专家" }, NOW)).toEqual({
      ok: false,
      reason: "roleNotAllowed",
    });
    saveAnswer(db, staff, { itemId: itemId("G1.1"), baseRevision: 0, value: 1, notApplicableReason: null });
    expect(fileAppeal(db, staff, { itemId: itemId("G1.1"), reason: "未核定" }, NOW)).toEqual({
      ok: false,
      reason: "notVerified",
    });
    // (An item worth no points cannot be appealed: lib/review/appeals.test.ts; the 2019 framework has none.)
    db.update(rounds).set({ preliminaryResults: false }).where(eq(rounds.id, roundId)).run();
    expect(fileAppeal(db, staff, { itemId: itemId("B4.1"), reason: "未开放" }, NOW)).toEqual({
      ok: false,
      reason: "windowClosed",
    });
  });

  it("can be handed by an admin to another reviewer, who alone decides it", async () => {
    const filed = fileAppeal(db, staff, { itemId: itemId("B4.1"), reason: "请复核" }, NOW);
    const appealId = filed.ok ? filed.id : 0;
    const expert = await createTestUser(db, "expert@x.org", "reviewer");
    expect(assignAppeal(db, initial, appealId, expert.id)).toEqual({ ok: false, reason: "roleNotAllowed" });
    expect(assignAppeal(db, admin, appealId, staff.id)).toEqual({ ok: false, reason: "notFound" });
    expect(assignAppeal(db, admin, appealId, expert.id)).toEqual({ ok: true });
    expect(decideAppeal(db, initial, { appealId, outcome: "upheld", reason: "维持" }, NOW)).toEqual({
      ok: false,
      reason: "notAssigned",
    });
    // While an admin has the module back under review, the appeal waits; once verified again it is decided.
    expect(reopenSubmission(db, admin, submissionId, "抽查")).toMatchObject({ ok: true });
    expect(decideAppeal(db, expert, { appealId, outcome: "upheld", reason: "维持原核减" }, NOW)).toEqual({
      ok: false,
      reason: "notVerified",
    });
    expect(approveSubmission(db, initial, submissionId, 2).ok).toBe(true);
    expect(approveSubmission(db, final, submissionId, 2)).toEqual({ ok: true, verified: true });
    expect(decideAppeal(db, expert, { appealId, outcome: "upheld", reason: "维持原核减" }, NOW)).toEqual({ ok: true });
  });
});
