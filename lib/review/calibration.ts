/**
 * Reviewer calibration (审核一致性校准): which submitted versions a blind second reviewer looks at, who that is,
 * and how far the two reviews of an item agree. The second review never counts: it is only compared.
 */
import { isDeepStrictEqual } from "node:util";
import { unsafeUniformIntDistribution, xoroshiro128plus } from "pure-rand";
import type { Item } from "@/lib/framework/item";
import { type ScorableItem, scoreItem } from "@/lib/scoring/engine";
import { valueInForce } from "./value-in-force";

/** How many of `count` candidates a share (0–1] takes: at least one while there are any. */
export function sampleSize(count: number, share: number): number {
  return count === 0 ? 0 : Math.min(count, Math.max(1, Math.ceil(count * share)));
}

/** A simple random sample of `share` of the candidates (Fisher–Yates on a seeded generator), in candidate order. */
export function drawSample<T>(candidates: readonly T[], share: number, seed: number): T[] {
  const order = candidates.map((_, i) => i);
  const rng = xoroshiro128plus(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = unsafeUniformIntDistribution(0, i, rng);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order
    .slice(0, sampleSize(candidates.length, share))
    .sort((a, b) => a - b)
    .map((i) => candidates[i]!);
}

/**
 * A second reviewer for each sampled version: one of the pool who never saw its first review and never will (the
 * caller names, per version, who may have: its module's reviewers at any stage, anyone who decided on it, anyone
 * handling an appeal on it), the one with the fewest calibrations so far (then the pool's order). A version that
 * the whole pool may have seen reviewed gets none.
 */
export function pairSecondReviewers<T>(
  sample: readonly T[],
  pool: readonly number[],
  notBlind: (entry: T) => ReadonlySet<number>,
  load: ReadonlyMap<number, number> = new Map(),
): { paired: (T & { reviewerId: number })[]; unpaired: T[] } {
  const count = new Map(pool.map((id) => [id, load.get(id) ?? 0]));
  const paired: (T & { reviewerId: number })[] = [];
  const unpaired: T[] = [];
  for (const entry of sample) {
    const taken = notBlind(entry);
    const reviewerId = pool
      .filter((id) => !taken.has(id))
      .reduce<number | null>((best, id) => (best === null || count.get(id)! < count.get(best)! ? id : best), null);
    if (reviewerId === null) unpaired.push(entry);
    else {
      count.set(reviewerId, count.get(reviewerId)! + 1);
      paired.push({ ...entry, reviewerId });
    }
  }
  return { paired, unpaired };
}

export const DECISIONS = ["accept", "adjust", "query"] as const;
export type Decision = { action: (typeof DECISIONS)[number]; adjustedValue: unknown };

/** One item decided by both: the first (counting) review and the blind second one, of a calibration at a stage. */
export type Comparison = {
  calibrationId: number;
  stagePosition: number;
  firstReviewerId: number;
  secondReviewerId: number;
  item: ScorableItem & Pick<Item, "answerType">;
  answer: { value: unknown; notApplicableReason: string | null } | undefined;
  first: Decision;
  second: Decision;
};

type Answer = Comparison["answer"];

/**
 * A decision as it acts: an "adjustment" that keeps the city's own value, or judges its link working (as an
 * accepted link counts), is an acceptance.
 */
export function effectiveDecision(item: Pick<Item, "answerType">, answer: Answer, d: Decision): Decision {
  if (d.action !== "adjust") return { action: d.action, adjustedValue: null };
  const keeps =
    item.answerType === "url"
      ? d.adjustedValue === "ok"
      : !answer?.notApplicableReason && isDeepStrictEqual(d.adjustedValue, answer?.value);
  return keeps ? { action: "accept", adjustedValue: null } : d;
}

/** The same decision: the same action as it acts and, for an adjustment, the same value put in place. */
export function sameDecision(item: Pick<Item, "answerType">, answer: Answer, a: Decision, b: Decision): boolean {
  const [x, y] = [effectiveDecision(item, answer, a), effectiveDecision(item, answer, b)];
  return x.action === y.action && (x.action !== "adjust" || isDeepStrictEqual(x.adjustedValue, y.adjustedValue));
}

const same = (c: Comparison) => sameDecision(c.item, c.answer, c.first, c.second);

/** The points an item would score under a decision (a query leaves the city's value in place). */
function pointsUnder(c: Comparison, d: Decision): number {
  return scoreItem(c.item, valueInForce(c.item, c.answer, d.action === "adjust" ? d : undefined));
}

/**
 * Cohen's kappa of two raters' categories: (observed − chance agreement) / (1 − chance agreement), null when
 * chance agreement is certain (both always chose the one same category), where it is undefined.
 */
export function cohensKappa<C extends string>(pairs: readonly (readonly [C, C])[]): number | null {
  if (!pairs.length) return null;
  const n = pairs.length;
  const observed = pairs.filter(([a, b]) => a === b).length / n;
  const share = (side: 0 | 1, c: C) => pairs.filter((p) => p[side] === c).length / n;
  const categories = new Set(pairs.flat());
  let chance = 0;
  for (const c of categories) chance += share(0, c) * share(1, c);
  return chance >= 1 ? null : (observed - chance) / (1 - chance);
}

export type ItemDisagreement = { itemCode: string; compared: number; disagreed: number };

export type PairAgreement = {
  /** the stage both reviewed at: agreement at 初审 and at 复审 are different questions */
  stagePosition: number;
  firstReviewerId: number;
  secondReviewerId: number;
  /** calibrated versions behind the figures */
  calibrations: number;
  /** items both decided */
  compared: number;
  /** share of them decided the same way (sameDecision) */
  identical: number;
  /** Cohen's kappa over the three actions, null where undefined */
  kappa: number | null;
  /** mean |points under the first review − points under the second| over the items either adjusted, null if none */
  adjustmentGap: number | null;
  adjustedByEither: number;
  /** the pair's items with the most differing decisions, most first (at most five) */
  topItems: ItemDisagreement[];
};

/** Items by how often the two reviews differed on them, most first, then by share, then by code. */
function byDisagreement(comparisons: readonly Comparison[], limit: number): ItemDisagreement[] {
  const byItem = new Map<string, ItemDisagreement>();
  for (const c of comparisons) {
    const entry = byItem.get(c.item.code) ?? { itemCode: c.item.code, compared: 0, disagreed: 0 };
    entry.compared += 1;
    if (!same(c)) entry.disagreed += 1;
    byItem.set(c.item.code, entry);
  }
  return [...byItem.values()]
    .filter((e) => e.disagreed > 0)
    .sort(
      (a, b) =>
        b.disagreed - a.disagreed ||
        b.disagreed / b.compared - a.disagreed / a.compared ||
        a.itemCode.localeCompare(b.itemCode),
    )
    .slice(0, limit);
}

/**
 * Agreement of every pair of reviewers (first, second) at each stage, and the items the reviews disagreed on most
 * overall. Decisions are compared as they act (effectiveDecision).
 */
export function calibrationAgreement(comparisons: readonly Comparison[], topItemsOverall = 10) {
  const byPair = new Map<string, Comparison[]>();
  for (const c of comparisons) {
    const key = `${c.stagePosition}:${c.firstReviewerId}:${c.secondReviewerId}`;
    byPair.set(key, [...(byPair.get(key) ?? []), c]);
  }
  const action = (c: Comparison, d: Decision) => effectiveDecision(c.item, c.answer, d).action;
  const pairs: PairAgreement[] = [...byPair.values()].map((list) => {
    const adjusted = list.filter((c) => action(c, c.first) === "adjust" || action(c, c.second) === "adjust");
    return {
      stagePosition: list[0]!.stagePosition,
      firstReviewerId: list[0]!.firstReviewerId,
      secondReviewerId: list[0]!.secondReviewerId,
      calibrations: new Set(list.map((c) => c.calibrationId)).size,
      compared: list.length,
      identical: list.filter(same).length / list.length,
      kappa: cohensKappa(list.map((c) => [action(c, c.first), action(c, c.second)] as const)),
      adjustmentGap: adjusted.length
        ? adjusted.reduce((sum, c) => sum + Math.abs(pointsUnder(c, c.first) - pointsUnder(c, c.second)), 0) /
          adjusted.length
        : null,
      adjustedByEither: adjusted.length,
      topItems: byDisagreement(list, 5),
    };
  });
  pairs.sort(
    (a, b) => a.stagePosition - b.stagePosition || b.compared - a.compared || a.firstReviewerId - b.firstReviewerId,
  );
  return { pairs, items: byDisagreement(comparisons, topItemsOverall) };
}
