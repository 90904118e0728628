/** What the review screen reads of a submission, for a user the policy lets see it (lib/auth/policy.ts). */
import "server-only";
import { and, asc, desc, eq, isNull } from "drizzle-orm";
import { isInSubmittedVersion, maySeeSubmission } from "@/lib/auth/policy";
import type { SessionUser } from "@/lib/domain";
import { reviewerAssignments } from "./assignments";
import type { Db } from "./client";
import { loadFrameworkShape } from "./framework";
import { itemsNeedingDecision } from "./item-decisions";
import { names, reviewContext } from "./review-context";
import { answers, auditLog, evidence, itemReviews, reviewStages, reviews, submissionVersions, users } from "./schema";

/**
 * Everything the review screen shows about one submission, or null unless lib/auth/policy.ts lets this user
 * (an admin, or a reviewer assigned to its module) see it; the review screen is not the city's, so never a draft.
 */
export function getReviewData(db: Db, user: SessionUser, submissionId: number) {
  const ctx = reviewContext(db, user, submissionId);
  if (
    !ctx ||
    ctx.sub.version === 0 ||
    user.role === "city_staff" ||
    !maySeeSubmission(user, ctx.sub, reviewerAssignments(db, user))
  )
    return null;
  const { sub } = ctx;
  const [shape] = loadFrameworkShape(db, sub.roundId, [sub.moduleId]);
  const { city, mod } = names(db, sub);
  const versions = db
    .select()
    .from(submissionVersions)
    .where(eq(submissionVersions.submissionId, sub.id))
    .orderBy(asc(submissionVersions.version))
    .all();
  const itemReviewRows = db
    .select({ review: itemReviews, reviewerName: users.name, stagePosition: reviewStages.position })
    .from(itemReviews)
    .innerJoin(users, eq(users.id, itemReviews.reviewerId))
    .innerJoin(reviewStages, eq(reviewStages.id, itemReviews.stageId))
    .where(eq(itemReviews.submissionId, sub.id))
    .orderBy(asc(itemReviews.version), asc(reviewStages.position))
    .all();
  const decisions = db
    .select({ review: reviews, reviewerName: users.name, stagePosition: reviewStages.position })
    .from(reviews)
    .innerJoin(users, eq(users.id, reviews.reviewerId))
    .innerJoin(reviewStages, eq(reviewStages.id, reviews.stageId))
    .where(eq(reviews.submissionId, sub.id))
    .orderBy(asc(reviews.createdAt))
    .all();
  const timeline = db
    .select({
      at: auditLog.at,
      action: auditLog.action,
      before: auditLog.before,
      after: auditLog.after,
      actorName: users.name,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(and(eq(auditLog.entityType, "submission"), eq(auditLog.entityId, String(sub.id))))
    .orderBy(desc(auditLog.id))
    .all();
  // While the city revises a returned module its live answers are a draft: reviewers see what was submitted.
  const locked = sub.status === "submitted" || sub.status === "in_review" || sub.status === "verified";
  const itemIdOf = new Map((shape?.indicators.flatMap((i) => i.items) ?? []).map((i) => [i.code, i.id]));
  const answerRows: { itemId: number; value: unknown; notApplicableReason: string | null }[] = locked
    ? db.select().from(answers).where(eq(answers.submissionId, sub.id)).all()
    : (versions.at(-1)?.snapshot.answers ?? []).flatMap((a) =>
        itemIdOf.has(a.itemCode)
          ? [{ itemId: itemIdOf.get(a.itemCode)!, value: a.value, notApplicableReason: a.notApplicableReason }]
          : [],
      );
  // Files the city uploaded after its last submission belong to its next draft, not to this review.
  const lastSubmittedAt = versions.at(-1)?.createdAt ?? null;
  const evidenceRows = db
    .select()
    .from(evidence)
    .where(and(eq(evidence.submissionId, sub.id), isNull(evidence.deletedAt)))
    .all()
    .filter((e) => isInSubmittedVersion(e, lastSubmittedAt));
  const needsDecision = ctx.stage && ctx.sub.status !== "verified" ? itemsNeedingDecision(db, sub, ctx.stage.id) : [];
  return {
    ...ctx,
    city,
    module: mod,
    shape,
    versions,
    itemReviewRows,
    decisions,
    timeline,
    answerRows,
    evidenceRows,
    needsDecision,
  };
}
