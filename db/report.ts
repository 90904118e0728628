/**
 * The statistical report of a finalised round, read from its frozen results: the figures of the published
 * analysis (average, spread, distribution, module score rates, region tiers, city tiers, ranking) and the
 * per-city scorecards.
 */
import "server-only";
import { and, asc, eq, inArray, isNotNull } from "drizzle-orm";
import type { CityTier, Region } from "@/lib/domain";
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
import { answers, cities, itemReviews, items, results, reviewStages, rounds, submissions, users } from "./schema";

export type RankingRow = {
  cityId: number;
  cityCode: string;
  nameZh: string;
  nameEn: string;
  region: Region;
  tier: CityTier;
  /** null for a city that submitted no module (未参评) */
  rank: number | null;
  /** hundredths, like every figure of the report */
  total: number;
  modules: Record<string, number>;
  notSubmitted: boolean;
  absent: boolean;
};

/** Everything the report shows; points in hundredths as stored (averages are not whole), formatted by the view. */
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
      modulesOf.set(result.cityId, { ...modulesOf.get(result.cityId), [result.code]: result.points });
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
      total: result.points,
      modules,
      notSubmitted: result.notSubmitted,
      absent,
    });
  }
  // Ranked cities first; cities that took no part last, and out of every statistic.
  ranking.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.cityCode.localeCompare(b.cityCode));
  const ranked = ranking.filter((r) => !r.absent);
  const totals = ranked.map((r) => r.total);
  const maxTotal = shape.reduce((sum, m) => sum + m.maxPoints, 0);
  const moduleRates = shape.map((m) => {
    const avg = mean(ranked.map((r) => r.modules[m.code] ?? 0));
    return {
      code: m.code,
      nameZh: m.module.nameZh,
      nameEn: m.module.nameEn,
      max: m.maxPoints,
      mean: avg,
      rate: m.maxPoints ? avg / m.maxPoints : 0,
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
    share50to70: shareBetween(totals, 50 * 100, 70 * 100),
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
      const all = indicatorRows.filter((r) => r.code === i.code).map((r) => r.points);
      const own = indicatorRows.find((r) => r.code === i.code && r.cityId === cityId)?.points ?? 0;
      return {
        code: i.code,
        nameZh: i.indicator.nameZh,
        nameEn: i.indicator.nameEn,
        max: i.maxPoints,
        points: own,
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
