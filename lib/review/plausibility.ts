/**
 * Plausibility flags for reviewers (合理性提示): each numeric value of a submitted version is compared with
 *  - its peers: the values of the same item submitted by cities of the same tier and region in this round, by a
 *    robust score (the modified z-score on the median and the median absolute deviation, Iglewicz & Hoaglin),
 *    with the peers' range;
 *  - the same city's verified value in the round this one was cloned from (the change in %).
 * Each flag carries the numbers that explain it; the review screen words it and drafts the query to send.
 */

export type PlausibilitySettings = {
  /** |modified z| at or above which a value stands out among its peers */
  zThreshold: number;
  /** peers needed (other cities of the same tier and region with a value) before comparing */
  minPeers: number;
  /** a rise on last round's value at or above this fraction (1 = +100 %) */
  yoyRise: number;
  /** a fall at or above this fraction (0.5 = −50 %) */
  yoyFall: number;
};

export const DEFAULT_PLAUSIBILITY: PlausibilitySettings = { zThreshold: 3.5, minPeers: 5, yoyRise: 1, yoyFall: 0.5 };

/**
 * A value also has to differ from the peers' median by this share of it: where most peers report the same value
 * (percentages crowding at 100), the deviations are tiny and a robust score alone would flag 96 among 100s.
 */
export const MIN_RELATIVE_GAP = 0.1;

function farEnough(x: number, median: number): boolean {
  return median === 0 ? x !== 0 : Math.abs(x - median) >= MIN_RELATIVE_GAP * Math.abs(median);
}

export type PeerFlag = {
  kind: "peer";
  itemCode: string;
  value: number;
  median: number;
  /** value ÷ median (null when the median is 0) */
  ratio: number | null;
  z: number;
  peers: number;
  min: number;
  max: number;
};
export type PreviousFlag = { kind: "previous"; itemCode: string; value: number; previous: number; change: number };
export type PlausibilityFlag = PeerFlag | PreviousFlag;

/** The median of sorted numbers. */
function medianOf(sorted: number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The modified z-score of `x` among `values`: 0.6745 (x − median) / MAD. When more than half the values are equal
 * (MAD = 0) the mean absolute deviation stands in (× 1.2533, as IBM SPSS and Iglewicz & Hoaglin suggest); when
 * all are equal, any other value is infinitely far.
 */
export function modifiedZ(x: number, values: readonly number[]): { z: number; median: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const median = medianOf(sorted);
  const deviations = sorted.map((v) => Math.abs(v - median)).sort((a, b) => a - b);
  const mad = medianOf(deviations);
  if (mad > 0) return { z: (0.6745 * (x - median)) / mad, median };
  const meanAd = deviations.reduce((s, d) => s + d, 0) / deviations.length;
  if (meanAd > 0) return { z: (x - median) / (1.2533 * meanAd), median };
  return { z: x === median ? 0 : x > median ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY, median };
}

/** The flag of one value among its peers (the other cities' values), or null when it does not stand out. */
export function peerFlag(
  itemCode: string,
  value: number,
  peers: readonly number[],
  settings: PlausibilitySettings,
): PeerFlag | null {
  if (peers.length < settings.minPeers) return null;
  const { z, median } = modifiedZ(value, peers);
  if (!(Math.abs(z) >= settings.zThreshold) || !farEnough(value, median)) return null;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const p of peers) {
    if (p < min) min = p;
    if (p > max) max = p;
  }
  return {
    kind: "peer",
    itemCode,
    value,
    median,
    ratio: median === 0 ? null : value / median,
    z,
    peers: peers.length,
    min,
    max,
  };
}

/** The flag of a value against the city's verified value last round, or null when the change is ordinary. */
export function previousFlag(
  itemCode: string,
  value: number,
  previous: number,
  settings: PlausibilitySettings,
): PreviousFlag | null {
  if (previous === 0) return null; // a change from nothing has no percentage
  const change = (value - previous) / Math.abs(previous);
  if (change >= settings.yoyRise || change <= -settings.yoyFall)
    return { kind: "previous", itemCode, value, previous, change };
  return null;
}

/** The k-th smallest of `a[0..n)` (k from 0), rearranging `a`: Hoare's selection, linear on average. */
function select(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

function medianOfFirst(a: Float64Array, n: number): number {
  const upper = select(a, n, n >> 1);
  if (n % 2) return upper;
  let lower = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n >> 1; i++) if (a[i]! > lower) lower = a[i]!; // after selection, the lower half precedes k
  return (lower + upper) / 2;
}

/**
 * The peer flags of a whole peer group at once: for each member, its value against all the others — the same
 * flags as `peerFlag(code, value, othersValues, settings)`, without sorting the group again for every member
 * (a national round has groups of hundreds of cities).
 */
export function peerFlagsOfGroup(
  itemCode: string,
  members: readonly { id: number; value: number }[],
  settings: PlausibilitySettings,
): Map<number, PeerFlag> {
  const out = new Map<number, PeerFlag>();
  const n = members.length - 1; // peers of each member
  if (n < settings.minPeers || n < 1) return out;
  const sorted = [...members].sort((a, b) => a.value - b.value);
  const values = Float64Array.from(sorted, (m) => m.value);
  const scratch = new Float64Array(n);
  // The median of the others: the sorted values with one left out.
  const othersAt = (skip: number, k: number) => values[k < skip ? k : k + 1]!;
  for (let s = 0; s <= n; s++) {
    const x = values[s]!;
    const median = n % 2 ? othersAt(s, n >> 1) : (othersAt(s, (n >> 1) - 1) + othersAt(s, n >> 1)) / 2;
    let sum = 0;
    for (let k = 0; k < n; k++) {
      const d = Math.abs(othersAt(s, k) - median);
      scratch[k] = d;
      sum += d;
    }
    const mad = medianOfFirst(scratch, n);
    const meanAd = sum / n;
    const z =
      mad > 0
        ? (0.6745 * (x - median)) / mad
        : meanAd > 0
          ? (x - median) / (1.2533 * meanAd)
          : x === median
            ? 0
            : x > median
              ? Number.POSITIVE_INFINITY
              : Number.NEGATIVE_INFINITY;
    if (!(Math.abs(z) >= settings.zThreshold) || !farEnough(x, median)) continue;
    out.set(sorted[s]!.id, {
      kind: "peer",
      itemCode,
      value: x,
      median,
      ratio: median === 0 ? null : x / median,
      z,
      peers: n,
      min: othersAt(s, 0),
      max: othersAt(s, n - 1),
    });
  }
  return out;
}
