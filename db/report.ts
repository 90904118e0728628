/**
 * The statistical report of a finalised round, read from its frozen results: the figures of the published
 * analysis (average, spread, distribution, module score rates, region tiers, city tiers, ranking) and the
 * per-city scorecards.
 */
import "server-only";
import { and, asc, eq, inArray, isNotNull, isNull } from "drizzle-orm";
import { isInSubmittedVersion } from "@/lib/auth/policy";
import type { CityTier, Region } from "@/lib/domain";
import type { ScorableAnswer, UrlJudgement } from "@/lib/scoring/engine";
import { type Derivation, explainItemScore } from "@/lib/scoring/explain";
import {
  groupMeans,
  mean,
  median,
  shareBetween,
  standardDeviation,
  tenPointBands,
  tiersByGaps,
} from "@/lib/scoring/statistics";
import type { Db } from "./client";
import { loadFrameworkShape } from "./framework";
import { computeRoundResults } from "./results";
import {
  answers,
  cities,
  evidence,
  itemReviews,
  items,
  results,
  reviewStages,
  rounds,
  submissions,
  submissionVersions,
  users,
} from "./schema";

export type RankingRow = {
  cityId: number;
  cityCode: string;
  nameZh: string;
  nameEn: string;
  region: Region;
  tier: CityTier;
  /** null for a city that submitted no module (未参评) */
  rank: number | null;
  total: number;
  modules: Record<string, number>;
  notSubmitted: boolean;
  absent: boolean;
};

/** Everything the report shows, in points (results are stored in hundredths). */
export function getRoundReport(db: Db, roundId: number) {
  const round = db.select().from(rounds).where(eq(rounds.id, roundId)).get();
  if (!round || round.status !== "finalised") return null;
  const shape = loadFrameworkShape(db, roundId);
  const rows = db
    .select({ result: results, city: cities })
    .from(results)
    .innerJoin(cities, eq(cities.id, results.cityId))
    .where(and(eq(results.roundId, roundId), inArray(results.level, ["total", "module"])))
    .orderBy(asc(results.cityId))
    .all();
  const modulesOf = new Map<number, Record<string, number>>();
  for (const { result } of rows) {
    if (result.level === "module")
      modulesOf.set(result.cityId, { ...modulesOf.get(result.cityId), [result.code]: result.points / 100 });
  }
  const ranking: RankingRow[] = [];
  for (const { result, city } of rows) {
    if (result.level !== "total") continue;
    const modules = modulesOf.get(city.id) ?? {};
    const absent = result.reviewStatus === "absent";
    ranking.push({
      cityId: city.id,
      cityCode: city.code,
      nameZh: city.nameZh,
      nameEn: city.nameEn,
      region: city.region,
      tier: city.tier,
      rank: absent ? null : result.rank,
      total: result.points / 100,
      modules,
      notSubmitted: result.notSubmitted,
      absent,
    });
  }
  // Ranked cities first; cities that took no part last, and out of every statistic.
  ranking.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.cityCode.localeCompare(b.cityCode));
  const ranked = ranking.filter((r) => !r.absent);
  const totals = ranked.map((r) => r.total);
  const maxTotal = shape.reduce((sum, m) => sum + m.maxPoints, 0) / 100;
  const moduleRates = shape.map((m) => {
    const avg = mean(ranked.map((r) => r.modules[m.code] ?? 0));
    return {
      code: m.code,
      nameZh: m.module.nameZh,
      nameEn: m.module.nameEn,
      max: m.maxPoints / 100,
      mean: avg,
      rate: m.maxPoints ? avg / (m.maxPoints / 100) : 0,
    };
  });
  const regions = groupMeans(
    ranked,
    (r) => r.region,
    (r) => r.total,
  );
  return {
    round,
    maxTotal,
    summary: {
      cities: ranked.length,
      absent: ranking.length - ranked.length,
      mean: mean(totals),
      median: median(totals),
      sd: standardDeviation(totals),
      min: totals.length ? Math.min(...totals) : 0,
      max: totals.length ? Math.max(...totals) : 0,
    },
    bands: tenPointBands(totals, maxTotal),
    share50to70: shareBetween(totals, 50, 70),
    moduleRates,
    regions,
    regionTiers: tiersByGaps(regions, 4),
    cityTiers: groupMeans(
      ranked,
      (r) => r.tier,
      (r) => r.total,
    ),
    ranking,
  };
}

export type RoundReport = NonNullable<ReturnType<typeof getRoundReport>>;

/** One city's module and indicator scores next to the round's averages. */
export function getScorecard(db: Db, roundId: number, cityId: number) {
  const report = getRoundReport(db, roundId);
  const entry = report?.ranking.find((r) => r.cityId === cityId);
  if (!report || !entry) return null;
  const shape = loadFrameworkShape(db, roundId);
  const indicatorRows = db
    .select()
    .from(results)
    .where(and(eq(results.roundId, roundId), eq(results.level, "indicator")))
    .all();
  const indicatorsOf = shape.map((m) => ({
    code: m.code,
    indicators: m.indicators.map((i) => {
      const all = indicatorRows.filter((r) => r.code === i.code).map((r) => r.points / 100);
      const own = indicatorRows.find((r) => r.code === i.code && r.cityId === cityId)?.points ?? 0;
      return {
        code: i.code,
        nameZh: i.indicator.nameZh,
        nameEn: i.indicator.nameEn,
        max: i.maxPoints / 100,
        points: own / 100,
        average: mean(all),
      };
    }),
  }));
  return {
    report,
    entry,
    modules: report.moduleRates.map((m) => ({
      ...m,
      points: entry.modules[m.code] ?? 0,
      indicators: indicatorsOf.find((x) => x.code === m.code)!.indicators,
    })),
  };
}

/**
 * Every item of every city, for exports: submitted and verified values, the city's not-applicable reason,
 * points, review status, and the decisions on the final version (stage, reviewer, action, reason).
 */
export function listItemResults(db: Db, roundId: number) {
  const rows = db
    .select({ city: cities, result: results, item: items })
    .from(results)
    .innerJoin(cities, eq(cities.id, results.cityId))
    .innerJoin(items, and(eq(items.roundId, results.roundId), eq(items.code, results.code)))
    .where(and(eq(results.roundId, roundId), eq(results.level, "item")))
    .orderBy(asc(results.cityId), asc(items.id))
    .all();
  const inRound = eq(submissions.roundId, roundId);
  const reasonOf = new Map(
    db
      .select({ cityId: submissions.cityId, itemId: answers.itemId, reason: answers.notApplicableReason })
      .from(answers)
      .innerJoin(submissions, eq(submissions.id, answers.submissionId))
      .where(and(inRound, isNotNull(answers.notApplicableReason)))
      .all()
      .map((a) => [`${a.cityId}:${a.itemId}`, a.reason]),
  );
  const decisionsOf = new Map<
    string,
    {
      stageNameZh: string;
      stageNameEn: string;
      reviewerName: string;
      action: string;
      adjustedValue: unknown;
      comment: string | null;
    }[]
  >();
  for (const d of db
    .select({
      cityId: submissions.cityId,
      itemId: itemReviews.itemId,
      stageNameZh: reviewStages.nameZh,
      stageNameEn: reviewStages.nameEn,
      reviewerName: users.name,
      action: itemReviews.action,
      adjustedValue: itemReviews.adjustedValue,
      comment: itemReviews.comment,
    })
    .from(itemReviews)
    .innerJoin(
      submissions,
      and(eq(submissions.id, itemReviews.submissionId), eq(submissions.version, itemReviews.version)),
    )
    .innerJoin(reviewStages, eq(reviewStages.id, itemReviews.stageId))
    .innerJoin(users, eq(users.id, itemReviews.reviewerId))
    .where(inRound)
    .orderBy(asc(reviewStages.position))
    .all()) {
    const key = `${d.cityId}:${d.itemId}`;
    decisionsOf.set(key, [...(decisionsOf.get(key) ?? []), d]);
  }
  return rows.map((row) => ({
    ...row,
    notApplicableReason: reasonOf.get(`${row.city.id}:${row.item.id}`) ?? null,
    decisions: decisionsOf.get(`${row.city.id}:${row.item.id}`) ?? [],
  }));
}

/** A city's finalised module scores (hundredths), by module code; empty before finalisation. */
export function getModuleResults(db: Db, roundId: number, cityId: number): Map<string, number> {
  const rows = db
    .select({ code: results.code, points: results.points })
    .from(results)
    .where(and(eq(results.roundId, roundId), eq(results.cityId, cityId), eq(results.level, "module")))
    .all();
  return new Map(rows.map((r) => [r.code, r.points]));
}

/**
 * The item-level scorecard of one city in a finalised round: per item the submitted and verified value,
 * points, every decision on the final version (stage, reviewer, action, reason) and the evidence with its
 * SHA-256; grouped by module and indicator with their frozen subtotals, which add up to the total.
 */
export function getItemScorecard(db: Db, roundId: number, cityId: number) {
  return buildItemScorecard(
    db,
    roundId,
    cityId,
    db
      .select()
      .from(results)
      .where(and(eq(results.roundId, roundId), eq(results.cityId, cityId)))
      .all(),
  );
}

/** The same scorecard before finalisation, computed now by the same engine and rule (nothing is frozen). */
export function getPreliminaryScorecard(db: Db, roundId: number, cityId: number) {
  const rows = computeRoundResults(db, roundId, cityId).rows.map((r) => ({
    ...r,
    submittedValue: r.submittedValue ?? null,
    verifiedValue: r.verifiedValue ?? null,
    notSubmitted: !!r.notSubmitted,
    reviewStatus: r.reviewStatus ?? null,
  }));
  return buildItemScorecard(db, roundId, cityId, rows);
}

type ScorecardRow = Pick<
  typeof results.$inferSelect,
  "level" | "code" | "points" | "submittedValue" | "verifiedValue" | "notSubmitted" | "reviewStatus"
>;

/** The value in force as the engine scored it, rebuilt from a result row (lib/scoring/round-results.ts writes it). */
function scoredAnswer(
  item: { answerType: string },
  result: ScorecardRow,
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
function derivationOf(item: { maxPoints: number }, result: ScorecardRow, derivation: Derivation): Derivation {
  const points = (result.points / 100).toFixed(2);
  return derivation.params.points === points
    ? derivation
    : { key: "unexplained", params: { points, max: (item.maxPoints / 100).toFixed(2) } };
}

function buildItemScorecard(db: Db, roundId: number, cityId: number, resultRows: ScorecardRow[]) {
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
