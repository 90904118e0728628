/**
 * What a changed framework would do to last round's results (框架调整影响): the draft framework applied, by the
 * one scoring engine, to the verified values of the finalised round it was cloned from. Items map by code when
 * asked the same way (type and unit); the others are listed and score nothing. Per city the old and new total and
 * rank, the biggest movers and Spearman's rho between the two rankings.
 */
import type { FrameworkFile } from "@/lib/framework/schema";
import { toHundredths } from "@/lib/scoring/hundredths";
import { type FrameworkShape, type ScorableAnswer, scoreFramework, type UrlJudgement } from "./engine";
import { spearman } from "./robustness";

export type SourceItem = { answerType: string; unitZh: string | null };
export type SourceCity = {
  id: number;
  oldTotal: number;
  oldRank: number | null;
  /** item code → the verified value and the submitted one (a link's judgement is its verified value) */
  values: Map<string, { submitted: unknown; verified: unknown }>;
};

export type CityImpact = {
  id: number;
  oldTotal: number;
  newTotal: number;
  oldRank: number;
  newRank: number;
  shift: number;
};
export type FrameworkImpact = {
  cities: CityImpact[];
  movers: CityImpact[];
  rho: number;
  /** draft items that do not map to last round (new, or asked another way) */
  unmapped: { code: string; reason: "new" | "askedOtherwise" }[];
};

const JUDGEMENTS: readonly unknown[] = ["ok", "partial", "bad"] satisfies UrlJudgement[];

function competitionRanks(totals: number[]): number[] {
  return totals.map((t) => 1 + totals.filter((o) => o > t).length);
}

export function frameworkImpact(
  draft: FrameworkFile,
  sourceItems: ReadonlyMap<string, SourceItem>,
  cities: readonly SourceCity[],
): FrameworkImpact {
  const shape: FrameworkShape = draft.modules.map((m) => ({
    code: m.code,
    maxPoints: toHundredths(m.points),
    indicators: m.indicators.map((i) => ({
      code: i.code,
      maxPoints: toHundredths(i.points),
      items: i.items.map((x) => ({ code: x.code, scoringRule: x.rule, maxPoints: toHundredths(x.points) })),
    })),
  }));
  const unmapped: FrameworkImpact["unmapped"] = [];
  const mapped = new Set<string>();
  for (const item of draft.modules.flatMap((m) => m.indicators.flatMap((i) => i.items))) {
    const before = sourceItems.get(item.code);
    if (!before) unmapped.push({ code: item.code, reason: "new" });
    else if (before.answerType !== item.type || (before.unitZh ?? "") !== (item.unit?.zh ?? ""))
      unmapped.push({ code: item.code, reason: "askedOtherwise" });
    else mapped.add(item.code);
  }
  const ranked = cities.filter((c) => c.oldRank !== null);
  const newTotals = ranked.map((city) => {
    const answers: Record<string, ScorableAnswer | undefined> = {};
    for (const code of mapped) {
      const v = city.values.get(code);
      if (!v) continue;
      const type = sourceItems.get(code)!.answerType;
      answers[code] =
        type === "url"
          ? {
              value: v.submitted,
              urlJudgement: JUDGEMENTS.includes(v.verified) ? (v.verified as UrlJudgement) : null,
            }
          : { value: v.verified };
    }
    return scoreFramework(shape, answers).total;
  });
  const oldRanks = ranked.map((c) => c.oldRank!);
  const newRanks = competitionRanks(newTotals);
  const impacts = ranked.map((c, i) => ({
    id: c.id,
    oldTotal: c.oldTotal,
    newTotal: newTotals[i]!,
    oldRank: oldRanks[i]!,
    newRank: newRanks[i]!,
    shift: oldRanks[i]! - newRanks[i]!,
  }));
  const movers = [...impacts]
    .filter((c) => c.shift !== 0)
    .sort((a, b) => Math.abs(b.shift) - Math.abs(a.shift) || a.oldRank - b.oldRank)
    .slice(0, 10);
  return { cities: impacts, movers, rho: spearman(oldRanks, newRanks), unmapped };
}
