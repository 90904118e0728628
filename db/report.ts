/**
 * The statistical report of a finalised round, read from its frozen results: the figures of the published
 * analysis (average, spread, distribution, module score rates, region tiers, city tiers, ranking) and the
 * per-city scorecards.
 */
import "server-only";
import { and, asc, eq, inArray, isNotNull } from "drizzle-orm";
import type { CityTier, Region } from "@/lib/domain";
import { frameworkImpact, type SourceCity } from "@/lib/scoring/impact";
import { detailRowsOf } from "@/lib/scoring/result-details";
import { type RobustnessReport, robustness } from "@/lib/scoring/robustness";
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
import { exportFramework, loadFrameworkShape } from "./framework";
import { listStoredResults } from "./results";
import {
  answers,
  cities,
  itemReviews,
  items,
  resultDetails,
  results,
  reviewStages,
  rounds,
  submissions,
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
  /** hundredths, like every figure of the report */
  total: number;
  modules: Record<string, number>;
  notSubmitted: boolean;
  absent: boolean;
};

/**
 * Reports already computed, per database and finalised round. A finalised round's results cannot change (the
 * database refuses it) until the round is reopened and finalised again, which gives it a new digest: the key.
 */
const computed = new WeakMap<Db, Map<string, RoundReportData>>();

/** Everything the report shows; points in hundredths as stored (averages are not whole), formatted by the view. */
export function getRoundReport(db: Db, roundId: number) {
  const round = db.select().from(rounds).where(eq(rounds.id, roundId)).get();
  if (!round || round.status !== "finalised") return null;
  const key = `${round.id}:${round.digest}:${round.finalisedAt?.getTime()}`;
  let cache = computed.get(db);
  if (!cache) computed.set(db, (cache = new Map()));
  const known = cache.get(key);
  if (known) return { ...known, round };
  // Shared by every request that reads this round's report: frozen, so that no caller can change it for the others.
  const report = deepFreeze(computeRoundReport(db, round));
  if (cache.size >= 8) cache.delete(cache.keys().next().value!); // a few rounds at a time; the oldest goes
  cache.set(key, report);
  return { ...report, round };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function computeRoundReport(db: Db, round: typeof rounds.$inferSelect) {
  const roundId = round.id;
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
    indicatorMeans: indicatorMeansOf(db, roundId, ranked),
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

/** Each indicator's mean points (hundredths) over the ranked cities, like the modules' rates. */
function indicatorMeansOf(db: Db, roundId: number, ranked: RankingRow[]): Record<string, number> {
  const rankedIds = new Set(ranked.map((r) => r.cityId));
  const sums: Record<string, number> = {};
  for (const { cityId, details } of db
    .select({ cityId: resultDetails.cityId, details: resultDetails.details })
    .from(resultDetails)
    .where(eq(resultDetails.roundId, roundId))
    .all()) {
    if (!rankedIds.has(cityId)) continue;
    for (const [level, code, points] of details) if (level === "indicator") sums[code] = (sums[code] ?? 0) + points;
  }
  return Object.fromEntries(Object.entries(sums).map(([code, sum]) => [code, sum / rankedIds.size]));
}

type RoundReportData = ReturnType<typeof computeRoundReport>;
export type RoundReport = NonNullable<ReturnType<typeof getRoundReport>>;

/** One city's module and indicator scores next to the round's averages. */
export function getScorecard(db: Db, roundId: number, cityId: number) {
  const report = getRoundReport(db, roundId);
  const entry = report?.ranking.find((r) => r.cityId === cityId);
  if (!report || !entry) return null;
  const shape = loadFrameworkShape(db, roundId);
  // The means come with the report (computed once per finalisation); the city's own points from its own row.
  const ownOf = new Map(
    listStoredResults(db, roundId, cityId)
      .filter((r) => r.level === "indicator")
      .map((r) => [r.code, r.points]),
  );
  const indicatorsOf = shape.map((m) => ({
    code: m.code,
    indicators: m.indicators.map((i) => ({
      code: i.code,
      nameZh: i.indicator.nameZh,
      nameEn: i.indicator.nameEn,
      max: i.maxPoints,
      points: ownOf.get(i.code) ?? 0,
      average: report.indicatorMeans[i.code] ?? 0,
    })),
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
 * points, review status, and the decisions on the final version (stage, reviewer, action, reason). A batch of
 * cities at a time, so that an export streams with memory that does not grow with the number of cities.
 */
export function* itemResultsInBatches(db: Db, roundId: number, citiesPerBatch = 100) {
  const cityIds = db
    .selectDistinct({ id: results.cityId })
    .from(results)
    .where(and(eq(results.roundId, roundId), eq(results.level, "total")))
    .orderBy(asc(results.cityId))
    .all()
    .map((c) => c.id);
  const itemOf = itemsByCode(db, roundId);
  for (let i = 0; i < cityIds.length; i += citiesPerBatch)
    yield listItemResults(db, roundId, cityIds.slice(i, i + citiesPerBatch), itemOf);
}

function itemsByCode(db: Db, roundId: number) {
  return new Map(
    db
      .select()
      .from(items)
      .where(eq(items.roundId, roundId))
      .all()
      .map((item) => [item.code, item]),
  );
}

/** The item rows of some of a round's cities (all when none are named), in city and framework order. */
export function listItemResults(
  db: Db,
  roundId: number,
  cityIds?: number[],
  itemOf: Map<string, typeof items.$inferSelect> = itemsByCode(db, roundId),
) {
  const ofCities = (column: typeof resultDetails.cityId | typeof submissions.cityId | typeof cities.id) =>
    cityIds ? inArray(column, cityIds) : undefined;
  // The cities and items looked up, not joined: a national export reads 160,000 item results, a batch at a time.
  const cityOf = new Map(
    db
      .select({ id: cities.id, nameZh: cities.nameZh, nameEn: cities.nameEn })
      .from(cities)
      .where(ofCities(cities.id))
      .all()
      .map((c) => [c.id, c]),
  );
  const rows = db
    .select({ cityId: resultDetails.cityId, details: resultDetails.details })
    .from(resultDetails)
    .where(and(eq(resultDetails.roundId, roundId), ofCities(resultDetails.cityId)))
    .orderBy(asc(resultDetails.cityId))
    .all()
    .flatMap(({ cityId, details }) =>
      detailRowsOf(
        roundId,
        cityId,
        details.filter(([level]) => level === "item"),
      ).map((result) => ({ city: cityOf.get(cityId)!, result, item: itemOf.get(result.code)! })),
    );
  const inRound = and(eq(submissions.roundId, roundId), ofCities(submissions.cityId));
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
    const list = decisionsOf.get(key);
    if (list) list.push(d);
    else decisionsOf.set(key, [d]);
  }
  return rows.map((row) => ({
    ...row,
    notApplicableReason: reasonOf.get(`${row.result.cityId}:${row.item.id}`) ?? null,
    decisions: decisionsOf.get(`${row.result.cityId}:${row.item.id}`) ?? [],
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
 * How robust a finalised round's ranking is to the method (lib/scoring/robustness.ts): computed once per
 * finalisation (the round no longer changes) and kept for a few rounds.
 */
const robustnessCache = new WeakMap<Db, Map<string, RobustnessReport>>();

export function getRoundRobustness(db: Db, roundId: number): RobustnessReport | null {
  const round = db.select().from(rounds).where(eq(rounds.id, roundId)).get();
  if (!round || round.status !== "finalised") return null;
  const key = `${round.id}:${round.digest}:${round.finalisedAt?.getTime()}`;
  let cache = robustnessCache.get(db);
  if (!cache) robustnessCache.set(db, (cache = new Map()));
  const known = cache.get(key);
  if (known) return known;
  const shape = loadFrameworkShape(db, roundId);
  const moduleCodes = shape.map((m) => m.code);
  const indicatorCodes = shape.flatMap((m) => m.indicators.map((i) => i.code));
  const byCity = new Map<number, { rank: number | null; modules: number[]; indicators: number[] }>();
  const cityOf = (id: number) => {
    let city = byCity.get(id);
    if (!city)
      byCity.set(
        id,
        (city = { rank: null, modules: moduleCodes.map(() => 0), indicators: indicatorCodes.map(() => 0) }),
      );
    return city;
  };
  for (const r of db
    .select({
      cityId: results.cityId,
      level: results.level,
      code: results.code,
      points: results.points,
      rank: results.rank,
    })
    .from(results)
    .where(eq(results.roundId, roundId))
    .all()) {
    const city = cityOf(r.cityId);
    if (r.level === "total") city.rank = r.rank;
    else city.modules[moduleCodes.indexOf(r.code)] = r.points;
  }
  for (const d of db
    .select({ cityId: resultDetails.cityId, details: resultDetails.details })
    .from(resultDetails)
    .where(eq(resultDetails.roundId, roundId))
    .all()) {
    const city = cityOf(d.cityId);
    for (const [level, code, points] of d.details)
      if (level === "indicator") city.indicators[indicatorCodes.indexOf(code)] = points;
  }
  const report = robustness({
    cities: [...byCity].map(([id, c]) => ({ id, ...c })),
    indicatorCodes,
  });
  if (cache.size >= 4) cache.delete(cache.keys().next().value!);
  cache.set(key, report);
  return report;
}

/**
 * For a draft round cloned from a finalised one: its (saved) framework applied to that round's verified values
 * (lib/scoring/impact.ts), with the cities' names; null for any other round.
 */
export function getFrameworkImpact(db: Db, roundId: number) {
  const round = db.select().from(rounds).where(eq(rounds.id, roundId)).get();
  const source = round?.clonedFromRoundId
    ? db.select().from(rounds).where(eq(rounds.id, round.clonedFromRoundId)).get()
    : null;
  if (!round || round.status !== "draft" || !source || source.status !== "finalised") return null;
  const sourceItems = new Map(
    loadFrameworkShape(db, source.id).flatMap((m) =>
      m.indicators.flatMap((i) =>
        i.items.map((x) => [x.code, { answerType: x.answerType, unitZh: x.unitZh }] as const),
      ),
    ),
  );
  const byCity = new Map<number, SourceCity>();
  const cityOf = (id: number) => {
    let city = byCity.get(id);
    if (!city) byCity.set(id, (city = { id, oldTotal: 0, oldRank: null, values: new Map() }));
    return city;
  };
  for (const row of listStoredResults(db, source.id)) {
    const city = cityOf(row.cityId);
    if (row.level === "total") {
      city.oldTotal = row.points;
      city.oldRank = row.rank ?? null;
    } else if (row.level === "item" && !row.notSubmitted)
      city.values.set(row.code, { submitted: row.submittedValue, verified: row.verifiedValue });
  }
  const impact = frameworkImpact(exportFramework(db, roundId), sourceItems, [...byCity.values()]);
  const names = new Map(
    db
      .select({ id: cities.id, nameZh: cities.nameZh, nameEn: cities.nameEn })
      .from(cities)
      .where(inArray(cities.id, [...byCity.keys()]))
      .all()
      .map((c) => [c.id, c]),
  );
  return { source, impact, names };
}
