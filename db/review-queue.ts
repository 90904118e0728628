import "server-only";
import { and, asc, eq, isNotNull, or, sql } from "drizzle-orm";
import type { QueueEntry } from "@/lib/review/queue";
import type { Db } from "./client";
import { cities, itemReviews, modules, reviewAssignments, reviewStages, reviews, rounds, submissions } from "./schema";

/** Submissions in review at a stage and module the reviewer is assigned to. */
export function listReviewQueue(db: Db, reviewerId: number, now = new Date()): QueueEntry[] {
  const rows = db
    .select({
      submissionId: submissions.id,
      cityCode: cities.code,
      cityNameZh: cities.nameZh,
      cityNameEn: cities.nameEn,
      region: cities.region,
      moduleCode: modules.code,
      moduleNameZh: modules.nameZh,
      moduleNameEn: modules.nameEn,
      stagePosition: reviewStages.position,
      version: submissions.version,
      submittedAt: submissions.submittedAt,
      status: submissions.status,
      flagged: sql<number>`exists (select 1 from ${itemReviews} where ${itemReviews.submissionId} = ${submissions.id}
        and ${itemReviews.version} = ${submissions.version} and ${itemReviews.action} in ('query', 'adjust'))`,
    })
    .from(reviewAssignments)
    .innerJoin(
      submissions,
      and(
        eq(submissions.moduleId, reviewAssignments.moduleId),
        eq(submissions.stageId, reviewAssignments.stageId),
        or(eq(submissions.status, "in_review"), eq(submissions.status, "submitted")),
      ),
    )
    .innerJoin(cities, eq(cities.id, submissions.cityId))
    .innerJoin(modules, eq(modules.id, submissions.moduleId))
    .innerJoin(reviewStages, eq(reviewStages.id, submissions.stageId))
    .innerJoin(rounds, and(eq(rounds.id, submissions.roundId), eq(rounds.status, "open")))
    .where(
      and(
        eq(reviewAssignments.reviewerId, reviewerId),
        isNotNull(submissions.submittedAt),
        // separation of duties: a version this reviewer decided at another stage is not theirs to review again.
        // The unary + keeps SQLite on the submission's index: by the reviewer's it would read every decision the
        // reviewer ever made, once per queued submission (seconds for a national round).
        sql`not exists (select 1 from ${reviews} where ${reviews.submissionId} = ${submissions.id}
          and ${reviews.version} = ${submissions.version} and +${reviews.reviewerId} = ${reviewerId})`,
      ),
    )
    .orderBy(asc(submissions.submittedAt))
    .all();
  return rows.map(({ flagged, ...r }) => ({
    ...r,
    clean: !flagged,
    daysWaiting: r.submittedAt ? Math.floor((now.getTime() - r.submittedAt.getTime()) / 86_400_000) : 0,
  }));
}

/** Modules and stages assigned to a reviewer in open rounds, for the empty-queue explanation. */
export function listAssignments(db: Db, reviewerId: number) {
  return db
    .select({
      moduleCode: modules.code,
      moduleNameZh: modules.nameZh,
      moduleNameEn: modules.nameEn,
      stagePosition: reviewStages.position,
      stageNameZh: reviewStages.nameZh,
      stageNameEn: reviewStages.nameEn,
    })
    .from(reviewAssignments)
    .innerJoin(modules, eq(modules.id, reviewAssignments.moduleId))
    .innerJoin(reviewStages, eq(reviewStages.id, reviewAssignments.stageId))
    .innerJoin(rounds, and(eq(rounds.id, reviewAssignments.roundId), eq(rounds.status, "open")))
    .where(eq(reviewAssignments.reviewerId, reviewerId))
    .orderBy(asc(reviewStages.position), asc(modules.position))
    .all();
}
