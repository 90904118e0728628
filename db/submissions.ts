import { and, asc, eq, isNotNull, or } from "drizzle-orm";
import type { Db } from "./client";
import { cities, modules, reviewAssignments, reviewStages, submissions } from "./schema";

export type QueueEntry = {
  submissionId: number;
  cityCode: string;
  cityNameZh: string;
  cityNameEn: string;
  region: string;
  moduleCode: string;
  moduleNameZh: string;
  moduleNameEn: string;
  stagePosition: number;
  version: number;
  submittedAt: Date | null;
  daysWaiting: number;
};

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
    .where(and(eq(reviewAssignments.reviewerId, reviewerId), isNotNull(submissions.submittedAt)))
    .orderBy(asc(submissions.submittedAt))
    .all();
  return rows.map((r) => ({ ...r, daysWaiting: r.submittedAt ? Math.floor((now.getTime() - r.submittedAt.getTime()) / 86_400_000) : 0 }));
}

/** Modules and stages assigned to a reviewer, for the empty-queue explanation. */
export function listAssignments(db: Db, reviewerId: number) {
  return db
    .select({ moduleCode: modules.code, moduleNameZh: modules.nameZh, moduleNameEn: modules.nameEn, stagePosition: reviewStages.position, stageNameZh: reviewStages.nameZh, stageNameEn: reviewStages.nameEn })
    .from(reviewAssignments)
    .innerJoin(modules, eq(modules.id, reviewAssignments.moduleId))
    .innerJoin(reviewStages, eq(reviewStages.id, reviewAssignments.stageId))
    .where(eq(reviewAssignments.reviewerId, reviewerId))
    .orderBy(asc(reviewStages.position), asc(modules.position))
    .all();
}
