/**
 * A round's results from its inputs, with nothing else: the values in force of every verified module of every
 * city, scored by the one engine, ranked, and laid out as the canonical text whose SHA-256 is the round's
 * digest. The server finalises with it (db/finalise.ts), and a verifier recomputes a verification bundle with
 * it (lib/verify/bundle.ts) — in Node or in a browser, since it needs no database and no Node module.
 */
import canonicalize from "canonicalize";
import type { ScoringRule } from "@/lib/framework/schema";
import { moduleStatus } from "@/lib/workflow/module-status";
import { type FrameworkShape, type ScorableAnswer, scoreFramework } from "./engine";
import { rank } from "./statistics";

/**
 * The framework as the digest covers it (points in hundredths). Its item fields keep the names the published
 * canonical text and verification bundles have always had (`type`, `rule`); db/results.ts maps an item to it
 * once, and `scorableShape` maps it back for the engine.
 */
export type DigestFramework = {
  code: string;
  maxPoints: number;
  indicators: {
    code: string;
    maxPoints: number;
    items: { code: string; type: string; rule: ScoringRule; maxPoints: number }[];
  }[];
}[];

/** What one item of a verified module contributes: the city's value, the value in force, the evidence. */
export type ItemInput = {
  submitted: unknown;
  inForce: ScorableAnswer | null;
  notApplicable: boolean;
  evidence: string[];
};

export type CityInput = {
  cityId: number;
  /** each module's review status; only "verified" modules are scored */
  modules: Record<string, string>;
  /** the items of verified modules, by code */
  items: Record<string, ItemInput>;
};

export type RoundInput = { roundId: number; framework: DigestFramework; cities: CityInput[] };

export type ResultRow = {
  roundId: number;
  cityId: number;
  level: "item" | "indicator" | "module" | "total";
  code: string;
  points: number;
  rank?: number | null;
  submittedValue?: unknown;
  verifiedValue?: unknown;
  reviewStatus: string;
  notSubmitted: boolean;
};

/** The value a result row shows as verified: a reviewer's judgement of a link, or the value in force. */
export function verifiedValueOf(inForce: ScorableAnswer | null): unknown {
  return inForce?.urlJudgement ?? inForce?.value ?? null;
}

/** One result row as the digests cover it. */
const digestRow = (r: ResultRow) => ({
  cityId: r.cityId,
  level: r.level,
  code: r.code,
  points: r.points,
  rank: r.rank ?? null,
  notSubmitted: r.notSubmitted,
});

function scorableShape(framework: DigestFramework): FrameworkShape {
  return framework.map((m) => ({
    ...m,
    indicators: m.indicators.map((i) => ({
      ...i,
      items: i.items.map((x) => ({ code: x.code, scoringRule: x.rule, maxPoints: x.maxPoints })),
    })),
  }));
}

/** Rows of every city (cities in the order given), ranks among the cities that took part, and the canonical text. */
export function computeResults(input: RoundInput): { rows: ResultRow[]; canonical: string } {
  const { roundId, framework } = input;
  const scorable = scorableShape(framework);
  const rows: ResultRow[] = [];
  const values: {
    cityId: number;
    itemCode: string;
    submitted: unknown;
    verified: unknown;
    notApplicable: boolean;
    evidence: string[];
  }[] = [];
  const totals: {
    total: number;
    modules: Record<string, number>;
    rows: { total: ResultRow; modules: Record<string, ResultRow> };
  }[] = [];
  for (const city of input.cities) {
    const { cityId } = city;
    const effective: Record<string, ScorableAnswer | undefined> = {};
    const statusOf = (code: string) => city.modules[code] ?? moduleStatus(null); // a module the city never started
    for (const mod of framework) {
      if (statusOf(mod.code) !== "verified") continue; // not submitted (or not verified): every item scores 0
      for (const item of mod.indicators.flatMap((i) => i.items)) {
        const entered = city.items[item.code];
        effective[item.code] = entered?.inForce ?? undefined;
        values.push({
          cityId,
          itemCode: item.code,
          submitted: entered?.submitted ?? null,
          verified: verifiedValueOf(entered?.inForce ?? null),
          notApplicable: !!entered?.notApplicable,
          evidence: [...(entered?.evidence ?? [])].sort(),
        });
      }
    }
    const card = scoreFramework(scorable, effective);
    const moduleRows: Record<string, ResultRow> = {};
    for (const mod of framework) {
      const status = statusOf(mod.code);
      const notSubmitted = status !== "verified";
      for (const ind of mod.indicators) {
        for (const item of ind.items) {
          const entered = notSubmitted ? undefined : city.items[item.code];
          rows.push({
            roundId,
            cityId,
            level: "item",
            code: item.code,
            points: card.items[item.code] ?? 0,
            submittedValue: entered?.submitted ?? null,
            verifiedValue: entered ? verifiedValueOf(entered.inForce) : null,
            reviewStatus: status,
            notSubmitted,
          });
        }
        rows.push({
          roundId,
          cityId,
          level: "indicator",
          code: ind.code,
          points: card.indicators[ind.code] ?? 0,
          reviewStatus: status,
          notSubmitted,
        });
      }
      moduleRows[mod.code] = {
        roundId,
        cityId,
        level: "module",
        code: mod.code,
        points: card.modules[mod.code] ?? 0,
        reviewStatus: status,
        notSubmitted,
      };
      rows.push(moduleRows[mod.code]!);
    }
    const anyMissing = framework.some((m) => statusOf(m.code) !== "verified");
    // A city that submitted no module at all took no part: listed as such, without a rank.
    const absent = framework.every((m) => statusOf(m.code) !== "verified");
    const totalRow: ResultRow = {
      roundId,
      cityId,
      level: "total",
      code: "",
      points: card.total,
      reviewStatus: absent ? "absent" : anyMissing ? "incomplete" : "verified",
      notSubmitted: anyMissing,
    };
    rows.push(totalRow);
    if (!absent)
      totals.push({ total: card.total, modules: card.modules, rows: { total: totalRow, modules: moduleRows } });
  }
  // Ranks of totals and of each module among the cities that took part, ties sharing a rank.
  for (const [entry, position] of rank(totals, (t) => t.total)) entry.rows.total.rank = position;
  for (const mod of framework) {
    for (const [entry, position] of rank(totals, (t) => t.modules[mod.code] ?? 0))
      entry.rows.modules[mod.code]!.rank = position;
  }
  const canonical = canonicalize({ roundId, framework, values, results: rows.map(digestRow) }) ?? "";
  return { rows, canonical };
}

/**
 * The canonical text of one city's part of a round — the framework, the city's inputs and its result rows with
 * ranks — whose SHA-256 the finalisation signs per city, so that a city can check its own scores and rank from
 * its own bundle without seeing any other city's data.
 */
export function cityCanonical(input: RoundInput, cityId: number, rows: ResultRow[]): string {
  const city = input.cities.find((c) => c.cityId === cityId);
  return (
    canonicalize({
      roundId: input.roundId,
      framework: input.framework,
      city: city ?? null,
      results: rows.filter((r) => r.cityId === cityId).map(digestRow),
    }) ?? ""
  );
}

/** A participating city as the report names and groups it. */
export type Participant = { id: number; code: string; nameZh: string; nameEn: string; region: string; tier: string };

/** The canonical text of the participants (by id), signed so that a verified ranking names the right cities. */
export function participantsCanonical(participants: Participant[]): string {
  const rows = [...participants]
    .sort((a, b) => a.id - b.id)
    .map((c) => ({ id: c.id, code: c.code, nameZh: c.nameZh, nameEn: c.nameEn, region: c.region, tier: c.tier }));
  return canonicalize(rows) ?? "";
}

export type RankingEntry = { cityId: number; total: number | null; modules: Record<string, number> };

/** Every city's published points (total only when ranked), in city order: what a city's ranks are checked against. */
export function rankingOf(
  rows: Pick<ResultRow, "cityId" | "level" | "code" | "points" | "rank">[],
  cityIds: number[],
): RankingEntry[] {
  return [...cityIds]
    .sort((a, b) => a - b)
    .map((cityId) => {
      const total = rows.find((r) => r.cityId === cityId && r.level === "total");
      const modules = Object.fromEntries(
        rows.filter((r) => r.cityId === cityId && r.level === "module").map((r) => [r.code, r.points]),
      );
      return { cityId, total: total && total.rank != null ? total.points : null, modules };
    });
}

export function rankingCanonical(ranking: RankingEntry[]): string {
  return canonicalize(ranking) ?? "";
}
