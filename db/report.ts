/**
 * The statistical report of a finalised round, read from its frozen results: the figures of the published
 * analysis (average, spread, distribution, module score rates, region tiers, city tiers, ranking) and the
 * per-city scorecards.
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import { groupMeans, mean, median, shareBetween, standardDeviation, tenPointBands, tiersByGaps } from "@/lib/scoring/statistics";
import type { Db } from "./client";
import { loadFrameworkShape } from "./questionnaire";
import { cities, items, results, rounds, type CityTier, type Region } from "./schema";

export type RankingRow = {
  cityId: number;
  cityCode: string;
  nameZh: string;
  nameEn: string;
  region: Region;
  tier: CityTier;
  rank: number;
  total: number;
  modules: Record<string, number>;
  notSubmitted: boolean;
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
    if (result.level === "module") modulesOf.set(result.cityId, { ...modulesOf.get(result.cityId), [result.code]: result.points / 100 });
  }
  const ranking: RankingRow[] = [];
  for (const { result, city } of rows) {
    if (result.level !== "total") continue;
    const modules = modulesOf.get(city.id) ?? {};
    ranking.push({ cityId: city.id, cityCode: city.code, nameZh: city.nameZh, nameEn: city.nameEn, region: city.region, tier: city.tier, rank: result.rank ?? 0, total: result.points / 100, modules, notSubmitted: result.notSubmitted });
  }
  ranking.sort((a, b) => a.rank - b.rank || a.cityCode.localeCompare(b.cityCode));
  const totals = ranking.map((r) => r.total);
  const maxTotal = shape.reduce((sum, m) => sum + m.maxPoints, 0) / 100;
  const moduleRates = shape.map((m) => {
    const avg = mean(ranking.map((r) => r.modules[m.code] ?? 0));
    return { code: m.code, nameZh: m.module.nameZh, nameEn: m.module.nameEn, max: m.maxPoints / 100, mean: avg, rate: m.maxPoints ? avg / (m.maxPoints / 100) : 0 };
  });
  const regions = groupMeans(ranking, (r) => r.region, (r) => r.total);
  return {
    round,
    maxTotal,
    summary: { cities: ranking.length, mean: mean(totals), median: median(totals), sd: standardDeviation(totals), min: Math.min(...totals), max: Math.max(...totals) },
    bands: tenPointBands(totals, maxTotal),
    share50to70: shareBetween(totals, 50, 70),
    moduleRates,
    regions,
    regionTiers: tiersByGaps(regions, 4),
    cityTiers: groupMeans(ranking, (r) => r.tier, (r) => r.total),
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
  const indicatorRows = db.select().from(results).where(and(eq(results.roundId, roundId), eq(results.level, "indicator"))).all();
  const indicatorsOf = shape.map((m) => ({
    code: m.code,
    indicators: m.indicators.map((i) => {
      const all = indicatorRows.filter((r) => r.code === i.code).map((r) => r.points / 100);
      const own = indicatorRows.find((r) => r.code === i.code && r.cityId === cityId)?.points ?? 0;
      return { code: i.code, nameZh: i.indicator.nameZh, nameEn: i.indicator.nameEn, max: i.maxPoints / 100, points: own / 100, average: mean(all) };
    }),
  }));
  return {
    report,
    entry,
    modules: report.moduleRates.map((m) => ({ ...m, points: entry.modules[m.code] ?? 0, indicators: indicatorsOf.find((x) => x.code === m.code)!.indicators })),
  };
}

/** Every item of every city with submitted and verified values, points and review status (for exports). */
export function listItemResults(db: Db, roundId: number) {
  return db
    .select({ city: cities, result: results, nameZh: items.nameZh, nameEn: items.nameEn })
    .from(results)
    .innerJoin(cities, eq(cities.id, results.cityId))
    .innerJoin(items, and(eq(items.roundId, results.roundId), eq(items.code, results.code)))
    .where(and(eq(results.roundId, roundId), eq(results.level, "item")))
    .orderBy(asc(results.cityId), asc(items.id))
    .all();
}
