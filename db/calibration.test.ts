import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { assignAppeal, fileAppeal } from "./appeals";
import { addAssignment } from "./assignments";
import {
  cancelCalibration,
  completeCalibration,
  decideCalibrationItem,
  drawCalibration,
  getCalibrationScreen,
  listMyCalibrations,
  roundCalibration,
  withdrawCalibrationItem,
} from "./calibration";
import type { Db } from "./client";
import { addEvidence, getEvidenceForDownload } from "./evidence";
import { decideItem } from "./item-decisions";
import { getReviewData } from "./review-screen";
import { approveSubmission, returnSubmission } from "./reviews";
import {
  auditLog,
  calibrationItems,
  calibrations,
  itemReviews,
  modules,
  notifications,
  reviewAssignments,
  reviewStages,
  rounds,
  submissions,
} from "./schema";
import { createModuleBRound, createTestDb, createTestUser, MODULE_B_VALUES, setRoundStatus } from "./test-db";

let db: Db;
let round: Awaited<ReturnType<typeof createModuleBRound>>;
beforeEach(async () => {
  db = createTestDb();
  round = await createModuleBRound(db, "calibration");
});

const stages = () =>
  db.select().from(reviewStages).where(eq(reviewStages.roundId, round.roundId)).orderBy(reviewStages.position).all();

/** A reviewer who reviews no module of the round: the one who can review module B blind. */
const outsider = () => createTestUser(db, "second@x.org", "reviewer");

describe("reviewer calibration", () => {
  it("has a drawn version reviewed blind a second time, which changes no outcome, and measures the agreement", async () => {
    const { roundId, admin, initial, final, staff, itemId, submitB } = round;
    const second = await outsider();
    const [stage1] = stages();
    const pdf = addEvidence(db, staff, itemId("B1.1"), {
      kind: "file",
      sha256: "a".repeat(64),
      size: 10,
      mime: "application/pdf",
      originalName: "公报.pdf",
      storageKey: "a.bin",
    });
    if (!pdf.ok) throw new Error(pdf.reason);
    const submissionId = submitB();
    // Not drawn yet: the outsider may not read the city's file.
    expect(getEvidenceForDownload(db, second, pdf.id)).toBeNull();

    // The pool holds both reviewers of module B, who would see the first review: only the outsider gets it.
    const drawn = drawCalibration(
      db,
      admin,
      { roundId, stageId: stage1!.id, share: 0.1, reviewerIds: [initial.id, final.id, second.id] },
      new Date(),
      7,
    );
    expect(drawn).toEqual({ ok: true, drawn: 1, unpaired: 0, candidates: 1 });
    const [calibration] = db.select().from(calibrations).all();
    expect(calibration).toMatchObject({ submissionId, version: 1, stageId: stage1!.id, reviewerId: second.id });
    expect(db.select().from(notifications).where(eq(notifications.userId, second.id)).get()?.kind).toBe(
      "calibrationAssigned",
    );
    expect(listMyCalibrations(db, second.id).map((c) => c.id)).toEqual([calibration!.id]);
    expect(getEvidenceForDownload(db, second, pdf.id)?.id).toBe(pdf.id);
    // Drawing again finds nothing new at this stage.
    expect(
      drawCalibration(db, admin, { roundId, stageId: stage1!.id, share: 1, reviewerIds: [second.id] }),
    ).toMatchObject({ ok: false, reason: "noCalibrationCandidates" });

    // The first review: B4.1 adjusted to 45, the rest accepted, and the stage approved.
    expect(
      decideItem(db, initial, {
        submissionId,
        itemId: itemId("B4.1"),
        version: 1,
        action: "adjust",
        adjustedValue: 45,
        comment: "原审核减理由",
      }).ok,
    ).toBe(true);
    expect(approveSubmission(db, initial, submissionId, 1).ok).toBe(true);
    const before = {
      sub: db.select().from(submissions).where(eq(submissions.id, submissionId)).get(),
      itemReviews: db.select().from(itemReviews).all(),
    };

    // The second review: B4.1 adjusted to 50, B1.2 queried, the rest accepted.
    const codes = Object.keys(MODULE_B_VALUES);
    for (const code of codes.slice(0, 5)) {
      const decision =
        code === "B1.2"
          ? ({ action: "query", comment: "校准提问内容" } as const)
          : ({ action: "accept", comment: null } as const);
      expect(
        decideCalibrationItem(db, second, { calibrationId: calibration!.id, itemId: itemId(code), ...decision }).ok,
      ).toBe(true);
    }
    // Not every item decided: completing is refused and names the items left.
    const early = completeCalibration(db, second, calibration!.id);
    expect(early).toMatchObject({ ok: false, reason: "decideAllFirst" });
    expect((early as { itemCodes: string[] }).itemCodes).toEqual(codes.slice(5));
    for (const code of codes.slice(5)) {
      const decision =
        code === "B4.1"
          ? ({ action: "adjust", adjustedValue: 50, comment: "校准核减理由" } as const)
          : ({ action: "accept", comment: null } as const);
      expect(
        decideCalibrationItem(db, second, { calibrationId: calibration!.id, itemId: itemId(code), ...decision }).ok,
      ).toBe(true);
    }
    expect(completeCalibration(db, second, calibration!.id)).toEqual({ ok: true });

    // Nothing of the workflow or the decisions that count moved.
    expect(db.select().from(submissions).where(eq(submissions.id, submissionId)).get()).toEqual(before.sub);
    expect(db.select().from(itemReviews).all()).toEqual(before.itemReviews);

    // Blind both ways: the second reviewer's screen has no first review, the first reviewer's none of the second.
    const screen = getCalibrationScreen(db, second, calibration!.id)!;
    expect(screen.firstReview).toEqual([]);
    expect(JSON.stringify(screen)).not.toContain("原审核减理由");
    expect(screen.snapshot.answers.find((a) => a.itemCode === "B4.1")?.value).toBe(156.4);
    expect(JSON.stringify(getReviewData(db, initial, submissionId))).not.toContain("校准");
    expect(JSON.stringify(getReviewData(db, final, submissionId))).not.toContain("校准");
    expect(getCalibrationScreen(db, initial, calibration!.id)).toBeNull();
    expect(getCalibrationScreen(db, staff, calibration!.id)).toBeNull();
    // The second reviewer still cannot open the review screen itself.
    expect(getReviewData(db, second, submissionId)).toBeNull();
    // An admin reads both side by side.
    const both = getCalibrationScreen(db, admin, calibration!.id)!;
    expect(both.firstReview.find((f) => f.itemId === itemId("B4.1"))).toMatchObject({
      action: "adjust",
      adjustedValue: 45,
      reviewerName: initial.name,
    });

    // Agreement of the pair (initial, second): 10 of 12 the same; B4.1 adjusted to 45 vs 50.
    const result = roundCalibration(db, roundId);
    expect(result.compared).toBe(12);
    expect(result.pairs).toHaveLength(1);
    const [pair] = result.pairs;
    expect(pair).toMatchObject({ firstName: initial.name, secondName: second.name, compared: 12, adjustedByEither: 1 });
    expect(pair!.identical).toBeCloseTo(10 / 12, 10);
    // chance: accept 11/12 · 10/12 + adjust 1/12 · 1/12 + query 0 · 1/12
    const chance = (11 / 12) * (10 / 12) + (1 / 12) * (1 / 12);
    expect(pair!.kappa).toBeCloseTo((11 / 12 - chance) / (1 - chance), 10);
    expect(pair!.adjustmentGap).toBeGreaterThan(0);
    expect(result.items.map((i) => i.itemCode).sort()).toEqual(["B1.2", "B4.1"]);

    // Completed: nothing changes any more; the audit has the completion, not under the submission.
    expect(
      decideCalibrationItem(db, second, { calibrationId: calibration!.id, itemId: itemId("B1.1"), action: "accept" }),
    ).toEqual({ ok: false, reason: "calibrationCompleted" });
    expect(db.select().from(auditLog).where(eq(auditLog.action, "calibration.completed")).get()?.entityType).toBe(
      "calibration",
    );
  });

  it("refuses other users, foreign ids, unblind pools and a round that is not open", async () => {
    const { roundId, admin, initial, final, staff, itemId, submitB } = round;
    const second = await outsider();
    const [stage1] = stages();
    const draw = (user = admin, reviewerIds = [second.id], stageId = stage1!.id) =>
      drawCalibration(db, user, { roundId, stageId, share: 0.5, reviewerIds });

    expect(draw()).toMatchObject({ ok: false, reason: "noCalibrationCandidates" }); // nothing submitted yet
    const submissionId = submitB();
    expect(draw(initial)).toMatchObject({ ok: false, reason: "roleNotAllowed" });
    expect(draw(admin, [staff.id])).toMatchObject({ ok: false, reason: "notFound" }); // not a reviewer
    expect(draw(admin, [])).toMatchObject({ ok: false, reason: "chooseReviewers" });
    expect(draw(admin, [initial.id, final.id])).toMatchObject({ ok: false, reason: "noSecondReviewer" });
    expect(draw(admin, [second.id], stage1!.id + 1000)).toMatchObject({ ok: false, reason: "notFound" });
    expect(db.select().from(calibrations).all()).toEqual([]);

    expect(draw()).toMatchObject({ ok: true, drawn: 1 });
    const [calibration] = db.select().from(calibrations).all();
    const accept = { calibrationId: calibration!.id, itemId: itemId("B1.1"), action: "accept" } as const;
    // Only the second reviewer decides it; the first reviewers and the city get "not found".
    for (const user of [initial, final, staff, admin])
      expect(decideCalibrationItem(db, user, accept)).toEqual({ ok: false, reason: "notFound" });
    // An item of another module is not the calibration's.
    expect(decideCalibrationItem(db, second, { ...accept, itemId: itemId("G1.1") })).toEqual({
      ok: false,
      reason: "notFound",
    });
    expect(decideCalibrationItem(db, second, accept)).toEqual({ ok: true });
    expect(withdrawCalibrationItem(db, second, { calibrationId: calibration!.id, itemId: itemId("B1.1") })).toEqual({
      ok: true,
    });
    expect(withdrawCalibrationItem(db, second, { calibrationId: calibration!.id, itemId: itemId("B1.1") })).toEqual({
      ok: false,
      reason: "notFound",
    });

    // While calibrating module B, the second reviewer cannot be made one of its reviewers (they would see the first).
    expect(
      addAssignment(db, admin, { roundId, moduleId: moduleIdOf("B"), stageId: stage1!.id, reviewerId: second.id }),
    ).toEqual({ ok: false, reason: "calibratingModule" });

    // A finalised round takes no more calibration.
    setRoundStatus(db, roundId, "finalised");
    expect(decideCalibrationItem(db, second, accept)).toEqual({ ok: false, reason: "roundNotOpen" });
    expect(completeCalibration(db, second, calibration!.id)).toEqual({ ok: false, reason: "roundNotOpen" });
    expect(draw()).toMatchObject({ ok: false, reason: "roundNotOpen" });
    // Its results are still readable.
    expect(roundCalibration(db, roundId).calibrations).toHaveLength(1);
    expect(submissionId).toBeGreaterThan(0);
  });
});

describe("who reviews blind, what is compared, and withdrawing", () => {
  it("never gives a version to anyone who may have seen its first review, and draws approved or pending versions only", async () => {
    const { roundId, admin, initial, itemId, submitB } = round;
    const [stage1] = stages();
    const submissionId = submitB();
    // The first reviewer decides an item, then is taken off the module: they still saw it, so they are not blind.
    expect(
      decideItem(db, initial, { submissionId, itemId: itemId("B1.1"), version: 1, action: "query", comment: "请核实" })
        .ok,
    ).toBe(true);
    db.delete(reviewAssignments).where(eq(reviewAssignments.reviewerId, initial.id)).run();
    const draw = (reviewerIds: number[]) =>
      drawCalibration(db, admin, { roundId, stageId: stage1!.id, share: 1, reviewerIds });
    expect(draw([initial.id])).toMatchObject({ ok: false, reason: "noSecondReviewer" });
    // Returned by the stage: a returned version records only its queries and adjustments, so it is not drawn.
    db.insert(reviewAssignments)
      .values({ roundId, moduleId: moduleIdOf("B"), stageId: stage1!.id, reviewerId: initial.id })
      .run();
    expect(returnSubmission(db, initial, submissionId, 1, "请修改").ok).toBe(true);
    expect(draw([(await outsider()).id])).toMatchObject({ ok: false, reason: "noCalibrationCandidates" });
  });

  it("compares a version only once its first review approved the stage", async () => {
    const { roundId, admin, initial, submitB } = round;
    const second = await outsider();
    const [stage1] = stages();
    const submissionId = submitB();
    expect(drawCalibration(db, admin, { roundId, stageId: stage1!.id, share: 1, reviewerIds: [second.id] }).ok).toBe(
      true,
    );
    const [calibration] = db.select().from(calibrations).all();
    for (const code of Object.keys(MODULE_B_VALUES))
      decideCalibrationItem(db, second, {
        calibrationId: calibration!.id,
        itemId: round.itemId(code),
        action: "accept",
      });
    expect(completeCalibration(db, second, calibration!.id)).toEqual({ ok: true });
    // Completed, but the first review has not approved: nothing to compare yet.
    let result = roundCalibration(db, roundId);
    expect(result.calibrations[0]!.firstApproved).toBe(false);
    expect(result.pairs).toEqual([]);
    expect(approveSubmission(db, initial, submissionId, 1).ok).toBe(true);
    result = roundCalibration(db, roundId);
    expect(result.pairs).toEqual([
      expect.objectContaining({ stagePosition: 1, calibrations: 1, compared: 12, identical: 1, kappa: null }),
    ]);
  });

  it("lets an admin withdraw an open calibration with a reason, and never a completed one", async () => {
    const { roundId, admin, initial, submitB } = round;
    const second = await outsider();
    const [stage1] = stages();
    submitB();
    drawCalibration(db, admin, { roundId, stageId: stage1!.id, share: 1, reviewerIds: [second.id] });
    const [calibration] = db.select().from(calibrations).all();
    decideCalibrationItem(db, second, {
      calibrationId: calibration!.id,
      itemId: round.itemId("B1.1"),
      action: "accept",
    });
    expect(cancelCalibration(db, initial, calibration!.id, "误抽")).toEqual({ ok: false, reason: "roleNotAllowed" });
    expect(cancelCalibration(db, second, calibration!.id, "误抽")).toEqual({ ok: false, reason: "roleNotAllowed" });
    expect(cancelCalibration(db, admin, calibration!.id, "专家已调离")).toEqual({ ok: true });
    expect(db.select().from(calibrations).all()).toEqual([]);
    expect(db.select().from(calibrationItems).all()).toEqual([]);
    const audit = db.select().from(auditLog).where(eq(auditLog.action, "calibration.cancelled")).get()!;
    expect(audit.before).toMatchObject({ reviewerId: second.id, decided: 1 });
    expect(audit.after).toEqual({ reason: "专家已调离" });
    expect(listMyCalibrations(db, second.id)).toEqual([]);
    // The module may now be drawn again, and a completed calibration cannot be withdrawn.
    drawCalibration(db, admin, { roundId, stageId: stage1!.id, share: 1, reviewerIds: [second.id] });
    const [again] = db.select().from(calibrations).all();
    for (const code of Object.keys(MODULE_B_VALUES))
      decideCalibrationItem(db, second, { calibrationId: again!.id, itemId: round.itemId(code), action: "accept" });
    completeCalibration(db, second, again!.id);
    expect(cancelCalibration(db, admin, again!.id, "x")).toEqual({ ok: false, reason: "calibrationCompleted" });
    expect(cancelCalibration(db, admin, again!.id + 100, "x")).toEqual({ ok: false, reason: "notFound" });
  });

  it("does not hand a calibrating reviewer an appeal on the module (it shows the first review)", async () => {
    const { roundId, admin, initial, final, staff, itemId, submitB } = round;
    const second = await outsider();
    const [stage1] = stages();
    const submissionId = submitB();
    drawCalibration(db, admin, { roundId, stageId: stage1!.id, share: 1, reviewerIds: [second.id] });
    expect(
      decideItem(db, initial, {
        submissionId,
        itemId: itemId("B4.1"),
        version: 1,
        action: "adjust",
        adjustedValue: 45,
        comment: "核减",
      }).ok,
    ).toBe(true);
    expect(approveSubmission(db, initial, submissionId, 1).ok).toBe(true);
    expect(approveSubmission(db, final, submissionId, 1).ok).toBe(true);
    db.update(rounds)
      .set({ preliminaryResults: true, appealDeadline: new Date(Date.now() + 86_400_000) })
      .where(eq(rounds.id, roundId))
      .run();
    const appeal = fileAppeal(db, staff, { itemId: itemId("B4.1"), reason: "请复核" });
    if (!appeal.ok) throw new Error(appeal.reason);
    expect(assignAppeal(db, admin, appeal.id, second.id)).toEqual({ ok: false, reason: "calibratingModule" });
    const [calibration] = db.select().from(calibrations).all();
    for (const code of Object.keys(MODULE_B_VALUES))
      decideCalibrationItem(db, second, { calibrationId: calibration!.id, itemId: itemId(code), action: "accept" });
    expect(completeCalibration(db, second, calibration!.id)).toEqual({ ok: true });
    expect(assignAppeal(db, admin, appeal.id, second.id)).toEqual({ ok: true });
  });
});

function moduleIdOf(code: string) {
  return db
    .select()
    .from(modules)
    .where(and(eq(modules.roundId, round.roundId), eq(modules.code, code)))
    .get()!.id;
}
