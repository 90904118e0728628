import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { addAssignment } from "./assignments";
import {
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
import { approveSubmission } from "./reviews";
import { auditLog, calibrations, itemReviews, modules, notifications, reviewStages, submissions } from "./schema";
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

function moduleIdOf(code: string) {
  return db
    .select()
    .from(modules)
    .where(and(eq(modules.roundId, round.roundId), eq(modules.code, code)))
    .get()!.id;
}
