import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/domain";
import { adjustmentInForce, diffVersions, valueInForce } from "@/lib/review/value-in-force";
import { scoreItem } from "@/lib/scoring/engine";
import { saveAnswer } from "./answers";
import type { Db } from "./client";
import { addEvidence } from "./evidence";
import { decideItem } from "./item-decisions";
import { replyToQuery } from "./review-feedback";
import { getReviewData } from "./review-screen";
import { approveSubmission, bulkApprove, reopenSubmission, returnSubmission } from "./reviews";
import {
  itemReviews,
  items,
  modules,
  notifications,
  reviewAssignments,
  reviewStages,
  submissionVersions,
} from "./schema";
import { seedBase } from "./seed";
import { getQuestionnaire, submitModule } from "./submissions";
import { createTestDb, createTestUser } from "./test-db";

let db: Db;
let roundId: number;
let staff: SessionUser;
let first: SessionUser;
let second: SessionUser;
let outsider: SessionUser;
let admin: SessionUser;

const user = (email: string, role: SessionUser["role"], cityCode?: string) => createTestUser(db, email, role, cityCode);
const itemId = (code: string) =>
  db
    .select()
    .from(items)
    .where(and(eq(items.roundId, roundId), eq(items.code, code)))
    .get()!.id;

const VALUES: Record<string, unknown> = {
  "E1.1": 12,
  "E1.2": 350,
  "E1.3": 2,
  "E2.1": 55,
  "E2.2": 20,
  "E2.3": 40,
  "E3.1": 25,
  "E3.2": ["demo_city"],
  "E3.3": true,
};

/** Fills module E completely and submits it; returns the submission id. */
function submitE(): number {
  for (const [code, value] of Object.entries(VALUES)) {
    saveAnswer(db, staff, { itemId: itemId(code), baseRevision: 0, value, notApplicableReason: null });
    addEvidence(db, staff, itemId(code), { kind: "url", url: `https://stats.example.gov.cn/${code}` });
  }
  expect(submitModule(db, staff, roundId, "E")).toMatchObject({ ok: true });
  return getQuestionnaire(db, roundId, staff.cityId!, "E")!.submission!.id;
}

beforeEach(async () => {
  db = createTestDb();
  roundId = seedBase(db).roundId;
  staff = await user("staff@x.org", "city_staff", "hangzhou");
  first = await user("first@x.org", "reviewer");
  second = await user("second@x.org", "reviewer");
  outsider = await user("outsider@x.org", "reviewer");
  admin = await user("admin@x.org", "admin");
  const mod = db
    .select()
    .from(modules)
    .where(and(eq(modules.roundId, roundId), eq(modules.code, "E")))
    .get()!;
  const stages = db
    .select()
    .from(reviewStages)
    .where(eq(reviewStages.roundId, roundId))
    .orderBy(reviewStages.position)
    .all();
  db.insert(reviewAssignments)
    .values({ roundId, moduleId: mod.id, stageId: stages[0]!.id, reviewerId: first.id })
    .run();
  db.insert(reviewAssignments)
    .values({ roundId, moduleId: mod.id, stageId: stages[1]!.id, reviewerId: second.id })
    .run();
  // first also holds stage 2, to prove that nobody reviews one version at two stages
  db.insert(reviewAssignments)
    .values({ roundId, moduleId: mod.id, stageId: stages[1]!.id, reviewerId: first.id })
    .run();
});

describe("the review workflow", () => {
  it("query and return → city fixes only the queried item and replies → resubmits → diff → approve → adjust → verified", () => {
    const id = submitE();
    expect(
      decideItem(db, first, {
        submissionId: id,
        itemId: itemId("E1.1"),
        version: 1,
        action: "query",
        comment: "请提供统计公报页",
      }),
    ).toEqual({ ok: true });
    expect(approveSubmission(db, first, id, 1)).toEqual({ ok: false, reason: "resolveQueriesFirst" });
    expect(returnSubmission(db, first, id, 1, "请补充")).toEqual({ ok: true, queries: 1 });
    expect(
      db
        .select()
        .from(notifications)
        .where(eq(notifications.userId, staff.id))
        .all()
        .map((n) => [n.kind, n.params.note]),
    ).toEqual([["returnedWithNote", "请补充"]]);

    // Only the queried item reopens.
    expect(
      saveAnswer(db, staff, { itemId: itemId("E1.2"), baseRevision: 1, value: 1, notApplicableReason: null }),
    ).toEqual({ ok: false, reason: "itemLocked" });
    expect(addEvidence(db, staff, itemId("E1.2"), { kind: "url", url: "https://x.org" })).toEqual({
      ok: false,
      reason: "itemLocked",
    });
    expect(
      saveAnswer(db, staff, { itemId: itemId("E1.1"), baseRevision: 1, value: 9.5, notApplicableReason: null }),
    ).toMatchObject({ ok: true });
    const query = db.select().from(itemReviews).where(eq(itemReviews.action, "query")).get()!;
    expect(replyToQuery(db, staff, query.id, "已按公报口径更正")).toEqual({ ok: true });
    expect(submitModule(db, staff, roundId, "E")).toEqual({ ok: true, version: 2 });

    const [v1, v2] = db
      .select()
      .from(submissionVersions)
      .where(eq(submissionVersions.submissionId, id))
      .orderBy(submissionVersions.version)
      .all();
    const diff = diffVersions(v1!.snapshot, v2!.snapshot, Object.keys(VALUES));
    expect(diff.filter((d) => d.valueChanged).map((d) => [d.itemCode, d.before?.value, d.after?.value])).toEqual([
      ["E1.1", 12, 9.5],
    ]);

    // The stage decided on E1.1 in version 1 and the city changed it: approval waits for a fresh decision.
    expect(approveSubmission(db, first, id, 2)).toEqual({
      ok: false,
      reason: "decideChangedItemsFirst",
      itemCodes: ["E1.1"],
    });
    expect(decideItem(db, first, { submissionId: id, itemId: itemId("E1.1"), version: 2, action: "accept" })).toEqual({
      ok: true,
    });
    expect(approveSubmission(db, first, id, 2)).toEqual({ ok: true, verified: false });
    // The stage-1 reviewer of version 2 may not act on it again at stage 2.
    expect(decideItem(db, first, { submissionId: id, itemId: itemId("E3.1"), version: 2, action: "accept" })).toEqual({
      ok: false,
      reason: "sameReviewerTwice",
    });
    expect(
      decideItem(db, second, {
        submissionId: id,
        itemId: itemId("E3.1"),
        version: 2,
        action: "adjust",
        adjustedValue: 15,
        comment: "按统计局口径核减",
      }),
    ).toEqual({ ok: true });
    expect(approveSubmission(db, second, id, 2)).toEqual({ ok: true, verified: true });
    expect(getQuestionnaire(db, roundId, staff.cityId!, "E")!.submission).toMatchObject({
      status: "verified",
      version: 2,
    });
    expect(
      saveAnswer(db, staff, { itemId: itemId("E3.1"), baseRevision: 1, value: 30, notApplicableReason: null }),
    ).toEqual({ ok: false, reason: "wrongState" });

    // The adjusted value is what is scored; the city's own value is kept.
    const data = getReviewData(db, second, id)!;
    const item = data.shape!.indicators.flatMap((i) => i.items).find((i) => i.code === "E3.1")!;
    const answer = data.answerRows.find((a) => a.itemId === item.id)!;
    expect(answer.value).toBe(25);
    const adjustments = data.itemReviewRows
      .filter((r) => r.review.itemId === item.id && r.review.version === 2)
      .map((r) => ({ action: r.review.action, adjustedValue: r.review.adjustedValue, stagePosition: r.stagePosition }));
    expect(scoreItem(item, valueInForce(item, answer, adjustmentInForce(adjustments)))).toBe(
      Math.round((250 * (15 - 5)) / 30),
    );
    expect(data.timeline.map((t) => t.action)).toEqual([
      "submission.verified",
      "item.adjust",
      "submission.approved",
      "item.accept",
      "submission.submitted",
      "query.replied",
      "submission.returned",
      "item.query",
      "submission.submitted",
    ]);
    expect(
      db
        .select()
        .from(notifications)
        .where(eq(notifications.userId, staff.id))
        .all()
        .map((n) => [n.kind, n.params.items]),
    ).toEqual([
      ["returnedWithNote", undefined],
      ["verifiedWithAdjustments", "E3.1"],
    ]);

    // Only an admin reopens a verified module, with a reason: a new version back at stage 1.
    expect(reopenSubmission(db, second, id, "复核")).toEqual({ ok: false, reason: "roleNotAllowed" });
    expect(reopenSubmission(db, admin, id, " ")).toEqual({ ok: false, reason: "reasonRequired" });
    expect(reopenSubmission(db, admin, id, "发现统计口径问题，重新评审")).toEqual({ ok: true, version: 3 });
    expect(getQuestionnaire(db, roundId, staff.cityId!, "E")!.submission).toMatchObject({
      status: "submitted",
      version: 3,
    });
    expect(approveSubmission(db, first, id, 3)).toEqual({ ok: true, verified: false });
  });

  it("refuses reviewers without an assignment, city staff, and a return without a query", () => {
    const id = submitE();
    expect(
      decideItem(db, outsider, { submissionId: id, itemId: itemId("E1.1"), version: 1, action: "accept" }),
    ).toEqual({ ok: false, reason: "notAssigned" });
    expect(approveSubmission(db, outsider, id, 1)).toEqual({ ok: false, reason: "notAssigned" });
    expect(approveSubmission(db, second, id, 1)).toEqual({ ok: false, reason: "notAssigned" });
    expect(approveSubmission(db, staff, id, 1)).toEqual({ ok: false, reason: "roleNotAllowed" });
    expect(returnSubmission(db, first, id, 1, null)).toEqual({ ok: false, reason: "returnNeedsQuery" });
  });

  it("lets exactly one of two decisions on the same version and stage through", () => {
    const id = submitE();
    db.insert(reviewAssignments)
      .values({
        roundId,
        moduleId: db
          .select()
          .from(modules)
          .where(and(eq(modules.roundId, roundId), eq(modules.code, "E")))
          .get()!.id,
        stageId: db
          .select()
          .from(reviewStages)
          .where(and(eq(reviewStages.roundId, roundId), eq(reviewStages.position, 1)))
          .get()!.id,
        reviewerId: outsider.id,
      })
      .run();
    expect(approveSubmission(db, first, id, 1)).toEqual({ ok: true, verified: false });
    // The other stage-1 reviewer acted on the page they loaded before: they are told it was decided meanwhile.
    expect(approveSubmission(db, outsider, id, 1)).toEqual({ ok: false, reason: "alreadyDecided" });
    expect(returnSubmission(db, outsider, id, 1, null)).toEqual({ ok: false, reason: "alreadyDecided" });
    expect(
      decideItem(db, outsider, { submissionId: id, itemId: itemId("E1.1"), version: 1, action: "query", comment: "?" }),
    ).toEqual({ ok: false, reason: "alreadyDecided" });
  });

  it("bulk-approves clean submissions only", () => {
    const id = submitE();
    expect(bulkApprove(db, first, [id, 999])).toEqual([
      { submissionId: id, ok: true },
      { submissionId: 999, ok: false, reason: "notFound" },
    ]);
    expect(
      decideItem(db, second, {
        submissionId: id,
        itemId: itemId("E1.1"),
        version: 1,
        action: "adjust",
        adjustedValue: 5,
        comment: "核减",
      }),
    ).toEqual({ ok: true });
    expect(bulkApprove(db, second, [id])).toEqual([{ submissionId: id, ok: false, reason: "notClean" }]);
  });
});
