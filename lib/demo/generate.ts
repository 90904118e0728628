/**
 * Synthetic answers for the demo round, calibrated so that the finalised report lands near the published
 * 2019 figures (framework.md → Demo data calibration): each city has a latent level from its region and
 * tier, each module an offset in the published order of score rates, and each item a value chosen so that
 * its scoring rule gives about the city's level for that module. Seeded, so every demo is the same.
 */
import { type RandomGenerator, unsafeUniformIntDistribution, xoroshiro128plus } from "pure-rand";
import type { Item } from "@/lib/framework/item";
import { toHundredths } from "@/lib/scoring/hundredths";

// Target mean level per region, in the published tier order (华东; 华南, 西南; 华中, 华北; 西北, 东北).
const REGION: Record<string, number> = {
  east: 0.612,
  south: 0.577,
  southwest: 0.572,
  central: 0.547,
  north: 0.542,
  northwest: 0.512,
  northeast: 0.507,
};
const TIER: Record<string, number> = { municipality: 0.08, sub_provincial: 0.06, prefecture: -0.012 };
const CITY_SPREAD = 0.08;
// Published module score rates: 智慧民生 59.94%, 智慧治理 57.55%, 创新环境 57.51%, 智慧基础 55.47%, 数字经济 51.69%.
const MODULE: Record<string, number> = { P: 0.034, G: 0.018, I: 0.004, B: -0.012, E: -0.05 };

export type DemoItem = Pick<
  Item,
  "code" | "answerType" | "scoringRule" | "maxPoints" | "minValue" | "maxValue" | "decimals"
> & {
  moduleCode: string;
  options: { value: string }[] | null;
};

export type DemoAnswer = { value: unknown; notApplicableReason: string | null };

export class DemoRandom {
  private rng: RandomGenerator;
  constructor(seed: number) {
    this.rng = xoroshiro128plus(seed);
  }
  uniform(): number {
    return unsafeUniformIntDistribution(0, 1_000_000_000, this.rng) / 1_000_000_000;
  }
  /** Box–Muller transform of two uniforms. */
  normal(sd: number): number {
    const u = Math.max(this.uniform(), 1e-9);
    return sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform());
  }
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/**
 * Each city's level: its region's target, its tier's advantage and its own noise. Tier advantages and noise
 * are centred within each region, so that a region's mean is its target whatever its mix of city tiers.
 */
export function cityLevels(
  random: DemoRandom,
  cities: { id: number; region: string; tier: string }[],
): Map<number, number> {
  const deviation = new Map(cities.map((c) => [c.id, (TIER[c.tier] ?? 0) + random.normal(CITY_SPREAD)]));
  const levels = new Map<number, number>();
  for (const region of new Set(cities.map((c) => c.region))) {
    const members = cities.filter((c) => c.region === region);
    const centre = members.reduce((sum, c) => sum + deviation.get(c.id)!, 0) / members.length;
    for (const c of members) levels.set(c.id, (REGION[region] ?? 0.55) + deviation.get(c.id)! - centre);
  }
  return levels;
}

function roundTo(value: number, decimals: number | null): number {
  const factor = 10 ** (decimals ?? 2);
  return Math.round(value * factor) / factor;
}

/** A value of the item whose points are about `target` × max. */
export function answerFor(item: DemoItem, level: number, random: DemoRandom): DemoAnswer {
  const target = clamp01(level + (MODULE[item.moduleCode] ?? 0) + random.normal(0.14));
  const limit = (v: number) =>
    roundTo(Math.min(item.maxValue ?? Infinity, Math.max(item.minValue ?? -Infinity, v)), item.decimals);
  const rule = item.scoringRule;
  switch (rule.kind) {
    case "linear":
      return { value: limit(rule.lo + target * (rule.hi - rule.lo)), notApplicableReason: null };
    case "bands": {
      const candidates = [...rule.bands.map((b, i) => ({ fraction: b.fraction, i })), { fraction: 0, i: -1 }];
      const best = candidates.reduce((a, b) => (Math.abs(b.fraction - target) < Math.abs(a.fraction - target) ? b : a));
      if (best.i < 0) return { value: 0, notApplicableReason: null };
      const band = rule.bands[best.i]!;
      const above = rule.bands[best.i - 1];
      const step = 10 ** -(item.decimals ?? 2);
      const room = above ? (above.value - band.value) * 0.9 : Math.max(band.value, 1) * 0.5;
      const value = band.value + (band.op === ">" ? step : 0) + random.uniform() * room;
      return {
        value: above ? Math.min(limit(value), limit(above.value - step)) : limit(value),
        notApplicableReason: null,
      };
    }
    case "boolean":
      return { value: random.uniform() < target, notApplicableReason: null };
    case "single": {
      const options = item.options ?? [];
      const best = options.reduce(
        (a, o) =>
          Math.abs((rule.fractions[o.value] ?? 0) - target) < Math.abs((rule.fractions[a.value] ?? 0) - target) ? o : a,
        options[0]!,
      );
      return { value: best.value, notApplicableReason: null };
    }
    case "multi": {
      const options = item.options ?? [];
      const count = Math.round(
        target * Math.min(options.length, Math.ceil(item.maxPoints / toHundredths(rule.pointsEach))),
      );
      return count
        ? { value: options.slice(0, count).map((o) => o.value), notApplicableReason: null }
        : { value: null, notApplicableReason: "均未建设（演示数据）" };
    }
    case "url":
      return random.uniform() < target + 0.15
        ? { value: `https://www.example.gov.cn/${item.code.toLowerCase()}`, notApplicableReason: null }
        : { value: null, notApplicableReason: "尚未建设（演示数据）" };
    case "none":
      return { value: null, notApplicableReason: null };
  }
}
