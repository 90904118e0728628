/**
 * A city's item scorecard: per item, the submitted value, the value in force, the points and how they were
 * derived (lib/scoring/explain.ts), for a finalised round or as a preliminary scorecard.
 */
import "server-only";
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import { isInSubmittedVersion } from "@/lib/auth/policy";
import type { ScorableAnswer, UrlJudgement } from "@/lib/scoring/engine";
import { type Derivation, explainItemScore } from "@/lib/scoring/explain";
import type { Db } from "./client";
import { loadFrameworkShape } from "./framework";
import { computeRoundResults, listStoredResults, type ResultRow } from "./results";
import { answers, evidence, itemReviews, reviewStages, submissions, submissionVersions, users } from "./schema";

/**
 * The item-level scorecard of one city in a finalised round: per item the submitted and verified value,
 * points, every decision on the final version (stage, reviewer, action, reason) and the evidence with its
 * SHA-256; grouped by module and indicator with their frozen subtotals, which add up to the total.
 */
export function getItemScorecard(db: Db, roundId: number, cityId: number) {
  return buildItemScorecard(db, roundId, cityId, listStoredResults(db, roundId, cityId));
}

/** The same scorecard before finalisation, computed now by the same engine and rule (nothing is frozen). */
export function getPreliminaryScorecard(db: Db, roundId: number, cityId: number) {
  return buildItemScorecard(db, roundId, cityId, computeRoundResults(db, roundId, cityId).rows);
}

/** The value in force as the engine scored it, rebuilt from a result row (lib/scoring/round-results.ts writes it). */
function scoredAnswer(
  item: { answerType: string },
  result: ResultRow,
  notApplicableReason: string | null,
  adjusted: boolean,
): ScorableAnswer | undefined {
  if (result.notSubmitted) return undefined;
  const notApplicable = !adjusted && !!notApplicableReason;
  if (item.answerType === "url") {
    const judgement = ["ok", "partial", "bad"].includes(result.verifiedValue as string)
      ? (result.verifiedValue as UrlJudgement)
      : null;
    return { value: result.submittedValue, notApplicable, urlJudgement: judgement };
  }
  return { value: result.verifiedValue, notApplicable };
}

/** The explanation, only if it arrives at the published points; never one that contradicts them. */
function derivationOf(item: { maxPoints: number }, result: ResultRow, derivation: Derivation): Derivation {
  return derivation.points === result.points
    ? derivation
    : { key: "unexplained", points: result.points, max: item.maxPoints, params: {} };
}

function buildItemScorecard(db: Db, roundId: number, cityId: number, resultRows: ResultRow[]) {
  const shape = loadFrameworkShape(db, roundId);
  if (!resultRows.length) return null;
  const resultOf = (level: string, code: string) => resultRows.find((r) => r.level === level && r.code === code);
  const subs = db
    .select()
    .from(submissions)
    .where(and(eq(submissions.roundId, roundId), eq(submissions.cityId, cityId)))
    .all();
  const subIds = subs.map((s) => s.id);
  const decisions = subIds.length
    ? db
        .select({
          itemId: itemReviews.itemId,
          submissionId: itemReviews.submissionId,
          version: itemReviews.version,
          action: itemReviews.action,
          comment: itemReviews.comment,
          adjustedValue: itemReviews.adjustedValue,
          carriedFromVersion: itemReviews.carriedFromVersion,
          stagePosition: reviewStages.position,
          stageNameZh: reviewStages.nameZh,
          stageNameEn: reviewStages.nameEn,
          reviewerName: users.name,
          at: itemReviews.createdAt,
        })
        .from(itemReviews)
        .innerJoin(
          submissions,
          and(eq(submissions.id, itemReviews.submissionId), eq(submissions.version, itemReviews.version)),
        )
        .innerJoin(reviewStages, eq(reviewStages.id, itemReviews.stageId))
        .innerJoin(users, eq(users.id, itemReviews.reviewerId))
        .where(inArray(itemReviews.submissionId, subIds))
        .orderBy(asc(reviewStages.position))
        .all()
    : [];
  const reasons = new Map(
    (subIds.length
      ? db
          .select({ itemId: answers.itemId, reason: answers.notApplicableReason })
          .from(answers)
          .where(inArray(answers.submissionId, subIds))
          .all()
      : []
    ).map((a) => [a.itemId, a.reason]),
  );
  // Only evidence of the version each module was scored on: not a draft's, not a module marked not submitted.
  const lastSubmittedAt = new Map(
    subs.flatMap((s) => {
      const version =
        s.status === "not_submitted" || s.version === 0
          ? undefined
          : db
              .select({ at: submissionVersions.createdAt })
              .from(submissionVersions)
              .where(and(eq(submissionVersions.submissionId, s.id), eq(submissionVersions.version, s.version)))
              .get();
      return version ? [[s.id, version.at] as const] : [];
    }),
  );
  const files = subIds.length
    ? db
        .select({
          id: evidence.id,
          itemId: evidence.itemId,
          kind: evidence.kind,
          url: evidence.url,
          originalName: evidence.originalName,
          sha256: evidence.sha256,
          submissionId: evidence.submissionId,
          uploadedAt: evidence.uploadedAt,
          deletedAt: evidence.deletedAt,
        })
        .from(evidence)
        .where(and(inArray(evidence.submissionId, subIds), isNull(evidence.deletedAt)))
        .orderBy(asc(evidence.id))
        .all()
        .filter((e) => isInSubmittedVersion(e, lastSubmittedAt.get(e.submissionId) ?? null))
        .map((e) => ({
          id: e.id,
          itemId: e.itemId,
          kind: e.kind,
          url: e.url,
          originalName: e.originalName,
          sha256: e.sha256,
        }))
    : [];
  return {
    total: resultOf("total", "")!,
    modules: shape.map((m) => ({
      code: m.code,
      nameZh: m.module.nameZh,
      nameEn: m.module.nameEn,
      maxPoints: m.maxPoints,
      result: resultOf("module", m.code)!,
      indicators: m.indicators.map((i) => ({
        code: i.code,
        nameZh: i.indicator.nameZh,
        nameEn: i.indicator.nameEn,
        maxPoints: i.maxPoints,
        result: resultOf("indicator", i.code)!,
        items: i.items.map((item) => {
          const result = resultOf("item", item.code)!;
          return {
            item,
            result,
            notApplicableReason: reasons.get(item.id) ?? null,
            // Decisions count once the module is verified; before that a reviewer may still change them.
            decisions: result.notSubmitted ? [] : decisions.filter((d) => d.itemId === item.id),
            evidence: files.filter((f) => f.itemId === item.id),
            derivation: derivationOf(
              item,
              result,
              explainItemScore(
                item,
                scoredAnswer(
                  item,
                  result,
                  reasons.get(item.id) ?? null,
                  decisions.some((d) => d.itemId === item.id && d.action === "adjust"),
                ),
                !result.notSubmitted,
              ),
            ),
          };
        }),
      })),
    })),
  };
}
