/** What the city sees and answers of its review: the queries on its items, the return note, the timeline. */
import "server-only";
import { and, asc, desc, eq } from "drizzle-orm";
import { mayActForCity } from "@/lib/auth/policy";
import type { SessionUser } from "@/lib/domain";
import { decide } from "@/lib/workflow/transitions";
import { appendAudit } from "./audit";
import type { Db, Tx } from "./client";
import type { Refused } from "./review-context";
import { itemReviews, items, reviewStages, reviews, rounds, submissions, submissionVersions, users } from "./schema";

/** The city's answer to a reviewer's query on the returned version. */
export function replyToQuery(
  db: Db,
  user: SessionUser,
  itemReviewId: number,
  reply: string,
  now = new Date(),
): { ok: true } | Refused {
  return db.transaction(
    (tx): { ok: true } | Refused => {
      const row = tx
        .select()
        .from(itemReviews)
        .where(and(eq(itemReviews.id, itemReviewId), eq(itemReviews.action, "query")))
        .get();
      const sub = row && tx.select().from(submissions).where(eq(submissions.id, row.submissionId)).get();
      if (!row || !sub || !mayActForCity(user, sub.cityId)) return { ok: false, reason: "notFound" };
      const round = tx.select().from(rounds).where(eq(rounds.id, sub.roundId)).get()!;
      const decision = decide("reply", { role: user.role, state: sub.status, roundStatus: round.status });
      if (!decision.ok) return decision;
      if (row.version !== sub.version) return { ok: false, reason: "staleVersion" };
      tx.update(itemReviews)
        .set({ cityReply: reply.trim(), repliedBy: user.id, repliedAt: now })
        .where(eq(itemReviews.id, row.id))
        .run();
      const item = tx.select({ code: items.code }).from(items).where(eq(items.id, row.itemId)).get()!;
      appendAudit(tx, {
        actorId: user.id,
        action: "query.replied",
        entityType: "submission",
        entityId: sub.id,
        roundId: sub.roundId,
        cityId: sub.cityId,
        before: row.cityReply ? { itemCode: item.code, reply: row.cityReply } : null,
        after: { itemCode: item.code, version: row.version, reply: reply.trim() },
      });
      return { ok: true };
    },
    { behavior: "immediate" },
  );
}

/** Every query on the submission's items, oldest first, for the city's questionnaire. */
export function listQueriesForCity(db: Db, submissionId: number) {
  return db
    .select({
      id: itemReviews.id,
      itemId: itemReviews.itemId,
      version: itemReviews.version,
      stagePosition: reviewStages.position,
      comment: itemReviews.comment,
      reply: itemReviews.cityReply,
      repliedAt: itemReviews.repliedAt,
    })
    .from(itemReviews)
    .innerJoin(reviewStages, eq(reviewStages.id, itemReviews.stageId))
    .where(and(eq(itemReviews.submissionId, submissionId), eq(itemReviews.action, "query")))
    .orderBy(asc(itemReviews.version), asc(reviewStages.position))
    .all();
}

/** Why the submission's current version was returned: the stage, when, and the reviewer's note (null if none). */
export function getReturnNote(db: Db | Tx, submissionId: number) {
  return (
    db
      .select({
        comment: reviews.comment,
        at: reviews.createdAt,
        version: reviews.version,
        stageNameZh: reviewStages.nameZh,
        stageNameEn: reviewStages.nameEn,
      })
      .from(reviews)
      .innerJoin(submissions, and(eq(submissions.id, reviews.submissionId), eq(submissions.version, reviews.version)))
      .innerJoin(reviewStages, eq(reviewStages.id, reviews.stageId))
      .where(and(eq(reviews.submissionId, submissionId), eq(reviews.decision, "returned")))
      .orderBy(desc(reviews.createdAt))
      .get() ?? null
  );
}

/** The module's history as the city reads it: each version submitted and each stage's decision, oldest first. */
export function listCityTimeline(db: Db | Tx, submissionId: number) {
  const submitted = db
    .select({ version: submissionVersions.version, at: submissionVersions.createdAt, byName: users.name })
    .from(submissionVersions)
    .leftJoin(users, eq(users.id, submissionVersions.submittedBy))
    .where(eq(submissionVersions.submissionId, submissionId))
    .all()
    .map((v) => ({ kind: "submitted" as const, ...v, stageNameZh: null, stageNameEn: null, comment: null }));
  const decided = db
    .select({
      version: reviews.version,
      at: reviews.createdAt,
      decision: reviews.decision,
      comment: reviews.comment,
      stageNameZh: reviewStages.nameZh,
      stageNameEn: reviewStages.nameEn,
    })
    .from(reviews)
    .innerJoin(reviewStages, eq(reviewStages.id, reviews.stageId))
    .where(eq(reviews.submissionId, submissionId))
    .all()
    .map(({ decision, ...r }) => ({ kind: decision, ...r, byName: null }));
  return [...submitted, ...decided].sort((a, b) => a.at.getTime() - b.at.getTime() || a.version - b.version);
}
