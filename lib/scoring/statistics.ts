/**
 * Round statistics over finalised scores, in hundredths of a point like everything else (an average of
 * hundredths is not whole; lib/i18n/points.ts rounds it for display): the figures of the published report —
 * average, median, spread, 10-point distribution, module score rates, region tiers, rankings.
 */

export function mean(values: number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
}

export function median(values: number[]): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Population standard deviation: the round's cities are the whole population, not a sample. */
export function standardDeviation(values: number[]): number {
  if (!values.length) return 0;
  const m = mean(values);
  return Math.sqrt(mean(values.map((v) => (v - m) ** 2)));
}

export type Band = { from: number; to: number; count: number; share: number };

const TEN_POINTS = 1000;

/** Counts per 10-point band [0,10), [10,20) … [90,100] (bounds in hundredths); the top band includes the maximum. */
export function tenPointBands(totals: number[], maximum = 100 * 100): Band[] {
  const bands: Band[] = [];
  for (let from = 0; from < maximum; from += TEN_POINTS) {
    const to = Math.min(from + TEN_POINTS, maximum);
    const last = to >= maximum;
    const count = totals.filter((t) => t >= from && (last ? t <= to : t < to)).length;
    bands.push({ from, to, count, share: totals.length ? count / totals.length : 0 });
  }
  return bands;
}

export function shareBetween(totals: number[], from: number, to: number): number {
  return totals.length ? totals.filter((t) => t >= from && t < to).length / totals.length : 0;
}

/** Competition ranking ("1224"): equal scores share a rank and the next rank skips. */
export function rank<T>(entries: T[], score: (entry: T) => number): Map<T, number> {
  const sorted = [...entries].sort((a, b) => score(b) - score(a));
  const ranks = new Map<T, number>();
  sorted.forEach((entry, i) => {
    const previous = sorted[i - 1];
    ranks.set(entry, previous !== undefined && score(previous) === score(entry) ? ranks.get(previous)! : i + 1);
  });
  return ranks;
}

export type GroupMean<K extends string> = { key: K; mean: number; count: number };

export function groupMeans<T, K extends string>(
  entries: T[],
  key: (entry: T) => K,
  value: (entry: T) => number,
): GroupMean<K>[] {
  const groups = new Map<K, number[]>();
  for (const entry of entries) groups.set(key(entry), [...(groups.get(key(entry)) ?? []), value(entry)]);
  return [...groups]
    .map(([k, values]) => ({ key: k, mean: mean(values), count: values.length }))
    .sort((a, b) => b.mean - a.mean);
}

/**
 * Groups ordered means into tiers by cutting at the largest gaps between neighbours, as the report groups
 * regions (华东 first; 华南, 西南 second; …). With n tiers, the n − 1 widest gaps separate them.
 */
export function tiersByGaps<T extends { mean: number }>(ordered: T[], tierCount: number): T[][] {
  if (!ordered.length) return [];
  // Only a real gap separates tiers: entries with equal means always share a tier.
  const gaps = ordered
    .slice(1)
    .map((entry, i) => ({ at: i + 1, gap: ordered[i]!.mean - entry.mean }))
    .filter((g) => g.gap > 1e-9);
  const cuts = gaps
    .sort((a, b) => b.gap - a.gap || a.at - b.at)
    .slice(0, Math.max(0, Math.min(tierCount, ordered.length) - 1))
    .map((g) => g.at)
    .sort((a, b) => a - b);
  const tiers: T[][] = [];
  let start = 0;
  for (const cut of [...cuts, ordered.length]) {
    tiers.push(ordered.slice(start, cut));
    start = cut;
  }
  return tiers;
}
