/**
 * How much a published ranking depends on the method (方法稳健性): the ranks under perturbed module weights (each
 * module's points scaled by a factor drawn uniformly in [1 − spread, 1 + spread], Monte Carlo with a fixed seed)
 * and under the removal of one indicator at a time; each city's 90 % rank interval, the cities whose rank is least
 * stable, and Spearman's rho between the published ranking and each perturbed one.
 */
import { type RandomGenerator, unsafeUniformIntDistribution, xoroshiro128plus } from "pure-rand";

export type RobustnessInput = {
  /** per city, in the same order: its module points and indicator points (hundredths), and its published rank */
  cities: { id: number; rank: number | null; modules: number[]; indicators: number[] }[];
  /** the indicator codes, in the order of `indicators` */
  indicatorCodes: string[];
};

export type RobustnessOptions = { draws: number; spread: number; seed: number };
export const DEFAULT_ROBUSTNESS: RobustnessOptions = { draws: 2000, spread: 0.2, seed: 2019 };

export type CityRobustness = { id: number; rank: number; low: number; high: number; width: number };
export type RobustnessReport = {
  draws: number;
  spread: number;
  cities: CityRobustness[];
  /** Spearman's rho between the published ranking and the perturbed ones: mean and lowest over the draws */
  rho: { mean: number; min: number };
  /** per indicator removed: Spearman's rho against the published ranking, and the largest rank change */
  withoutIndicator: { code: string; rho: number; maxShift: number }[];
};

/** Competition ranks ("1224") of the scores, highest first, into `out`. */
function ranksOf(scores: Float64Array, order: Uint32Array, out: Float64Array): void {
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => scores[b]! - scores[a]!);
  for (let i = 0; i < order.length; i++) {
    const city = order[i]!;
    const previous = i > 0 ? order[i - 1]! : -1;
    out[city] = previous >= 0 && scores[previous] === scores[city] ? out[previous]! : i + 1;
  }
}

/** Spearman's rho of two rankings (1 − 6 Σd² / n(n² − 1); ties take their shared rank). */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (n < 2) return 1;
  let d2 = 0;
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    d2 += d * d;
  }
  return 1 - (6 * d2) / (n * (n * n - 1));
}

/** A uniform double in [0, 1) from the generator. */
function uniform(rng: RandomGenerator): number {
  return unsafeUniformIntDistribution(0, 0x3fffffff, rng) / 0x40000000;
}

export function robustness(input: RobustnessInput, options: RobustnessOptions = DEFAULT_ROBUSTNESS): RobustnessReport {
  const ranked = input.cities.filter((c) => c.rank !== null);
  const n = ranked.length;
  const moduleCount = ranked[0]?.modules.length ?? 0;
  const published = Float64Array.from(ranked, (c) => c.rank!);
  const scores = new Float64Array(n);
  const ranks = new Float64Array(n);
  const order = new Uint32Array(n);
  // Every draw's rank of every city, city-major, for the percentiles.
  const all = new Uint32Array(n * options.draws);
  const rng = xoroshiro128plus(options.seed);
  const weights = new Float64Array(moduleCount);
  let rhoSum = 0;
  let rhoMin = 1;
  for (let draw = 0; draw < options.draws; draw++) {
    for (let m = 0; m < moduleCount; m++) weights[m] = 1 - options.spread + 2 * options.spread * uniform(rng);
    for (let c = 0; c < n; c++) {
      const modules = ranked[c]!.modules;
      let total = 0;
      for (let m = 0; m < moduleCount; m++) total += modules[m]! * weights[m]!;
      scores[c] = total;
    }
    ranksOf(scores, order, ranks);
    for (let c = 0; c < n; c++) all[c * options.draws + draw] = ranks[c]!;
    const rho = spearman(published, ranks);
    rhoSum += rho;
    if (rho < rhoMin) rhoMin = rho;
  }
  const cities: CityRobustness[] = ranked.map((city, c) => {
    const own = all
      .subarray(c * options.draws, (c + 1) * options.draws)
      .slice()
      .sort();
    const at = (q: number) => own[Math.min(own.length - 1, Math.max(0, Math.round(q * (own.length - 1))))]!;
    const low = options.draws ? at(0.05) : city.rank!;
    const high = options.draws ? at(0.95) : city.rank!;
    return { id: city.id, rank: city.rank!, low, high, width: high - low };
  });
  const withoutIndicator = input.indicatorCodes.map((code, k) => {
    for (let c = 0; c < n; c++) {
      const city = ranked[c]!;
      scores[c] = city.modules.reduce((s, p) => s + p, 0) - (city.indicators[k] ?? 0);
    }
    ranksOf(scores, order, ranks);
    let maxShift = 0;
    for (let c = 0; c < n; c++) maxShift = Math.max(maxShift, Math.abs(ranks[c]! - published[c]!));
    return { code, rho: spearman(published, ranks), maxShift };
  });
  return {
    draws: options.draws,
    spread: options.spread,
    cities,
    rho: { mean: options.draws ? rhoSum / options.draws : 1, min: options.draws ? rhoMin : 1 },
    withoutIndicator,
  };
}
