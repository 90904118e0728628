import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { listReviewQueue } from "./review-queue";
import { modules, reviewAssignments, reviewStages, reviews, submissions } from "./schema";
import { createModuleBRound, createTestDb } from "./test-db";

describe("the review queue", () => {
  it("leaves out a version the reviewer already decided at another stage (separation of duties)", async () => {
    const db = createTestDb();
    const { roundId, initial, final, submitB } = await createModuleBRound(db, "队列");
    const [stage1, stage2] = db
      .select()
      .from(reviewStages)
      .where(eq(reviewStages.roundId, roundId))
      .orderBy(reviewStages.position)
      .all();
    const moduleB = db
      .select()
      .from(modules)
      .where(and(eq(modules.roundId, roundId), eq(modules.code, "B")))
      .get()!;
    // The first-stage reviewer is assigned to the second stage too.
    db.insert(reviewAssignments)
      .values({ roundId, moduleId: moduleB.id, stageId: stage2!.id, reviewerId: initial.id })
      .run();
    const id = submitB();
    expect(listReviewQueue(db, initial.id).map((q) => q.submissionId)).toEqual([id]);
    expect(listReviewQueue(db, final.id)).toEqual([]);

    // Stage 1 approved by that reviewer: the version moves on to stage 2, where they may not decide it again.
    db.insert(reviews)
      .values({ submissionId: id, version: 1, stageId: stage1!.id, reviewerId: initial.id, decision: "approved" })
      .run();
    db.update(submissions).set({ stageId: stage2!.id, status: "in_review" }).where(eq(submissions.id, id)).run();
    expect(listReviewQueue(db, initial.id)).toEqual([]);
    expect(listReviewQueue(db, final.id).map((q) => q.submissionId)).toEqual([id]);
  });
});
