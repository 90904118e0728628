/**
 * The value in force across versions: an adjustment on an item the city did not change survives its
 * resubmission, and is what the city sees, what is finalised, exported and recomputed.
 */
import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/domain";
import { saveAnswer } from "./answers";
import type { Db } from "./client";
import { addEvidence } from "./evidence";
import { finaliseRound, listBlockers, markNotSubmitted } from "./finalise";
import { decideItem, itemsNeedingDecision, listAdjustmentsInForce, withdrawItemDecision } from "./item-decisions";
import { listItemResults } from "./report";
import { computeRoundResults, recomputeRound } from "./results";
import { replyToQuery } from "./review-feedback";
import { getReviewData } from "./review-screen";
import { approveSubmission, reopenSubmission, returnSubmission } from "./reviews";
import { itemReviews, modules, notifications, reviewStages, submissions } from "./schema";
import { listModuleSummaries, submitModule } from "./submissions";
import { createModuleBRound, createTestDb } from "./test-db";

let db: Db;
let roundId: number;
let staff: SessionUser;
let initial: SessionUser;
let final: SessionUser;
let admin: SessionUser;
let itemId: (code: string) => number;
let submitB: () => number;

beforeEach(async () => {
  db = createTestDb();
  ({ roundId, staff, initial, final, admin, itemId, submitB } = await createModuleBRound(db, "carry-over"));
});

/** Module B filled and submitted; then 初审 adjusts B4.1 (156.4 → 45), queries B1.2 and returns it. */
function submitAdjustQueryReturn(): number {
  const id = submitB();
  expect(
    decideItem(db, initial, {
      submissionId: id,
      itemId: itemId("B4.1"),
      version: 1,
      action: "adjust",
      adjustedValue: 45,
      comment: "按统计局口径核减",
    }),
  ).toEqual({ ok: true });
  expect(
    decideItem(db, initial, {
      submissionId: id,
      itemId: itemId("B1.2"),
      version: 1,
      action: "query",
      comment: "请提供统计公报原文",
    }),
  ).toEqual({ ok: true });
  expect(returnSubmission(db, initial, id, 1, "B1.2 口径需核实")).toEqual({ ok: true, queries: 1 });
  return id;
}

/** The city fixes only the queried B1.2, replies and resubmits as version 2. */
function fixAndResubmit(id: number) {
  expect(
    saveAnswer(db, staff, { itemId: itemId("B1.2"), baseRevision: 1, value: 86.5, notApplicableReason: null }).ok,
  ).toBe(true);
  const query = db
    .select()
    .from(itemReviews)
    .where(and(eq(itemReviews.submissionId, id), eq(itemReviews.action, "query")))
    .get()!;
  expect(replyToQuery(db, staff, query.id, "已按统计公报更正")).toEqual({ ok: true });
  expect(submitModule(db, staff, roundId, "B")).toEqual({ ok: true, version: 2 });
}

const moduleBPoints = () =>
  listModuleSummaries(db, roundId, staff.cityId!).find((m) => m.code === "B")!.provisionalPoints;

describe("decisions across versions", () => {
  it("keeps a 核减 on an unchanged item in force through resubmission, verification, finalisation, export and recompute", () => {
    const id = submitAdjustQueryReturn();
    const before = moduleBPoints();
    fixAndResubmit(id);

    // Version 2 carries the adjustment of B4.1 (unchanged), marked with where it came from; not the query.
    const carried = db
      .select()
      .from(itemReviews)
      .where(and(eq(itemReviews.submissionId, id), eq(itemReviews.version, 2)))
      .all();
    expect(
      carried.map((r) => [r.itemId, r.action, r.adjustedValue, r.comment, r.reviewerId, r.carriedFromVersion]),
    ).toEqual([[itemId("B4.1"), "adjust", 45, "按统计局口径核减", initial.id, 1]]);
    const [inForce] = listAdjustmentsInForce(db, { submissionIds: [id] });
    expect(inForce).toMatchObject({ itemCode: "B4.1", adjustedValue: 45, stagePosition: 1, carriedFromVersion: 1 });

    // B1.2 changed: 初审 must decide it again before approving; 复审 (which never saw version 1) need not.
    expect(
      itemsNeedingDecision(
        db,
        {
          id,
          version: 2,
          roundId,
          moduleId: db.select().from(submissions).where(eq(submissions.id, id)).get()!.moduleId,
        },
        carried[0]!.stageId,
      ),
    ).toEqual(["B1.2"]);
    expect(approveSubmission(db, initial, id, 2)).toEqual({
      ok: false,
      reason: "decideChangedItemsFirst",
      itemCodes: ["B1.2"],
    });
    expect(decideItem(db, initial, { submissionId: id, itemId: itemId("B1.2"), version: 2, action: "accept" })).toEqual(
      { ok: true },
    );
    expect(approveSubmission(db, initial, id, 2)).toEqual({ ok: true, verified: false });
    expect(approveSubmission(db, final, id, 2)).toEqual({ ok: true, verified: true });

    // Every item of the verified version carries a decision at both stages (approval accepts the rest).
    const decided = db
      .select()
      .from(itemReviews)
      .where(and(eq(itemReviews.submissionId, id), eq(itemReviews.version, 2)))
      .all();
    expect(decided).toHaveLength(24);
    expect(decided.filter((r) => r.action === "adjust").map((r) => r.itemId)).toEqual([itemId("B4.1")]);

    // The city's provisional score is the score with the decision in force: B4.1 on 45 (0.8 of 2 points).
    // (B1.2's correction from 88 to 86.5 % costs 0.06 points; B4.1 still scores 0.8, not 1.4.)
    expect(moduleBPoints()).toBe(before - 6);
    const review = getReviewData(db, final, id)!;
    expect(review.answerRows.find((a) => a.itemId === itemId("B4.1"))!.value).toBe(156.4);
    const notified = db.select().from(notifications).where(eq(notifications.userId, staff.id)).all();
    expect(notified.map((n) => [n.kind, n.params.items ?? n.params.note])).toEqual([
      ["returnedWithNote", "B1.2 口径需核实"],
      ["verifiedWithAdjustments", "B4.1"],
    ]);

    // Finalised (the other modules not submitted): B4.1 is scored on 45 in results, exports and recompute.
    expect(
      computeRoundResults(db, roundId).rows.find(
        (r) => r.cityId === staff.cityId && r.level === "item" && r.code === "B4.1",
      ),
    ).toMatchObject({ points: 80, submittedValue: 156.4, verifiedValue: 45 });
    markAllOthersNotSubmitted();
    expect(finaliseRound(db, admin, roundId).ok).toBe(true);
    const b41 = listItemResults(db, roundId).find((r) => r.city.id === staff.cityId && r.result.code === "B4.1")!;
    expect(b41.result).toMatchObject({ points: 80, submittedValue: 156.4, verifiedValue: 45 });
    expect(recomputeRound(db, roundId).ok).toBe(true);
  });

  it("lets a reviewer withdraw a carried adjustment: the city's own value is in force again", () => {
    const id = submitAdjustQueryReturn();
    fixAndResubmit(id);
    expect(withdrawItemDecision(db, final, { submissionId: id, itemId: itemId("B4.1"), version: 2 })).toEqual({
      ok: false,
      reason: "notAssigned",
    });
    const adjusted = moduleBPoints();
    expect(withdrawItemDecision(db, initial, { submissionId: id, itemId: itemId("B4.1"), version: 2 })).toEqual({
      ok: true,
    });
    expect(listAdjustmentsInForce(db, { submissionIds: [id] })).toEqual([]);
    expect(moduleBPoints() - adjusted).toBe(140 - 80);
    expect(withdrawItemDecision(db, initial, { submissionId: id, itemId: itemId("B4.1"), version: 2 })).toEqual({
      ok: false,
      reason: "notFound",
    });
  });

  it("drops a decision on an item the city changed, and carries every decision when an admin reopens", () => {
    const id = submitAdjustQueryReturn();
    // The city also changes evidence of the queried item only; B4.1 is locked, so its adjustment carries.
    addEvidence(db, staff, itemId("B1.2"), { kind: "url", url: "https://stats.hangzhou.example.gov.cn/bulletin-2019" });
    fixAndResubmit(id);
    expect(
      decideItem(db, initial, {
        submissionId: id,
        itemId: itemId("B1.2"),
        version: 2,
        action: "adjust",
        adjustedValue: 80,
        comment: "按公报",
      }),
    ).toEqual({ ok: true });
    expect(approveSubmission(db, initial, id, 2).ok).toBe(true);
    expect(approveSubmission(db, final, id, 2).ok).toBe(true);
    expect(reopenSubmission(db, admin, id, "抽查")).toEqual({ ok: true, version: 3 });
    const v3 = db
      .select()
      .from(itemReviews)
      .where(and(eq(itemReviews.submissionId, id), eq(itemReviews.version, 3)))
      .all();
    expect(v3).toHaveLength(24);
    expect(v3.every((r) => r.carriedFromVersion !== null)).toBe(true);
    expect(
      listAdjustmentsInForce(db, { submissionIds: [id] }).map((a) => [
        a.itemCode,
        a.adjustedValue,
        a.carriedFromVersion,
      ]),
    ).toEqual([
      ["B1.2", 80, 2],
      ["B4.1", 45, 1],
    ]);
  });
});

describe("fresh decisions across several versions", () => {
  it("asks each stage to decide again on items changed since the last version it decided, however many versions ago", () => {
    const id = submitB();
    const sub = () => db.select().from(submissions).where(eq(submissions.id, id)).get()!;
    const [stage1, stage2] = db
      .select()
      .from(reviewStages)
      .where(eq(reviewStages.roundId, roundId))
      .orderBy(reviewStages.position)
      .all();
    const reply = (code: string, answer: string) => {
      const query = db
        .select()
        .from(itemReviews)
        .where(
          and(
            eq(itemReviews.submissionId, id),
            eq(itemReviews.itemId, itemId(code)),
            eq(itemReviews.action, "query"),
            eq(itemReviews.version, sub().version),
          ),
        )
        .get()!;
      expect(replyToQuery(db, staff, query.id, answer)).toEqual({ ok: true });
    };
    // v1: 初审 approves; 复审 queries B1.1 and returns. v2: the city changes B1.1.
    expect(approveSubmission(db, initial, id, 1).ok).toBe(true);
    expect(
      decideItem(db, final, {
        submissionId: id,
        itemId: itemId("B1.1"),
        version: 1,
        action: "query",
        comment: "基站数口径？",
      }),
    ).toEqual({ ok: true });
    expect(returnSubmission(db, final, id, 1, null).ok).toBe(true);
    expect(
      saveAnswer(db, staff, { itemId: itemId("B1.1"), baseRevision: 1, value: 8, notApplicableReason: null }).ok,
    ).toBe(true);
    reply("B1.1", "已更正");
    expect(submitModule(db, staff, roundId, "B")).toEqual({ ok: true, version: 2 });
    // v2: 初审 (which accepted B1.1 in v1) must decide it again; it queries B1.3 instead and returns. v3: the city changes B1.3.
    expect(itemsNeedingDecision(db, sub(), stage1!.id)).toEqual(["B1.1"]);
    expect(
      decideItem(db, initial, {
        submissionId: id,
        itemId: itemId("B1.3"),
        version: 2,
        action: "query",
        comment: "千兆覆盖率来源？",
      }),
    ).toEqual({ ok: true });
    expect(returnSubmission(db, initial, id, 2, null).ok).toBe(true);
    expect(
      saveAnswer(db, staff, { itemId: itemId("B1.3"), baseRevision: 1, value: 65, notApplicableReason: null }).ok,
    ).toBe(true);
    reply("B1.3", "已补充来源");
    expect(submitModule(db, staff, roundId, "B")).toEqual({ ok: true, version: 3 });
    // v3: 初审 last decided v2 (B1.3); 复审 last decided v1 (B1.1), two versions ago, and must decide B1.1 again.
    expect(itemsNeedingDecision(db, sub(), stage1!.id)).toEqual(["B1.3"]);
    expect(decideItem(db, initial, { submissionId: id, itemId: itemId("B1.3"), version: 3, action: "accept" })).toEqual(
      { ok: true },
    );
    expect(approveSubmission(db, initial, id, 3).ok).toBe(true);
    expect(itemsNeedingDecision(db, sub(), stage2!.id)).toEqual(["B1.1"]);
    expect(approveSubmission(db, final, id, 3)).toEqual({
      ok: false,
      reason: "decideChangedItemsFirst",
      itemCodes: ["B1.1"],
    });
  });

  it("clears the carried mark when a reviewer decides a carried item again", () => {
    const id = submitAdjustQueryReturn();
    fixAndResubmit(id);
    expect(
      decideItem(db, initial, {
        submissionId: id,
        itemId: itemId("B4.1"),
        version: 2,
        action: "adjust",
        adjustedValue: 60,
        comment: "重新核定",
      }),
    ).toEqual({ ok: true });
    expect(listAdjustmentsInForce(db, { submissionIds: [id] })).toEqual([
      expect.objectContaining({ itemCode: "B4.1", adjustedValue: 60, carriedFromVersion: null }),
    ]);
  });
});

/** Marks every module not verified as not submitted, as an admin closing the round would. */
function markAllOthersNotSubmitted() {
  for (const blocker of listBlockers(db, roundId)) {
    const moduleId = db
      .select()
      .from(modules)
      .where(and(eq(modules.roundId, roundId), eq(modules.code, blocker.moduleCode)))
      .get()!.id;
    expect(
      markNotSubmitted(db, admin, { roundId, cityId: blocker.cityId, moduleId, reason: "截止日前未提交" }).ok,
    ).toBe(true);
  }
}
