import { and, asc, count, eq, isNotNull, or, sql } from "drizzle-orm";
import type { Db } from "./client";
import { answers, cities, indicators, items, modules, reviewAssignments, reviewStages, submissions, type SubmissionStatus } from "./schema";

export type ModuleProgress = {
  moduleId: number;
  code: string;
  nameZh: string;
  nameEn: string;
  maxPoints: number;
  status: SubmissionStatus | "not_started";
  version: number | null;
  answered: number;
  total: number;
};

/** The five modules of a round for one city, with status and answered/total item counts. */
export function listModuleProgress(db: Db, roundId: number, cityId: number): ModuleProgress[] {
  const totals = db
    .select({ moduleId: modules.id, code: modules.code, nameZh: modules.nameZh, nameEn: modules.nameEn, maxPoints: modules.maxPoints, total: count(items.id) })
    .from(modules)
    .leftJoin(indicators, eq(indicators.moduleId, modules.id))
    .leftJoin(items, eq(items.indicatorId, indicators.id))
    .where(eq(modules.roundId, roundId))
    .groupBy(modules.id)
    .orderBy(asc(modules.position))
    .all();
  const subs = db
    .select({
      moduleId: submissions.moduleId,
      status: submissions.status,
      version: submissions.version,
      answered: sql<number>`(select count(*) from ${answers} where ${answers.submissionId} = ${submissions.id}
        and (${answers.value} is not null or ${answers.notApplicableReason} is not null))`,
    })
    .from(submissions)
    .where(and(eq(submissions.roundId, roundId), eq(submissions.cityId, cityId)))
    .all();
  const byModule = new Map(subs.map((s) => [s.moduleId, s]));
  return totals.map((m) => {
    const sub = byModule.get(m.moduleId);
    return { ...m, status: sub?.status ?? "not_started", version: sub?.version ?? null, answered: sub?.answered ?? 0 };
  });
}

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
