/**
 * How an item's points come about, step by step, from the value in force and the item's rule: what a city
 * reads under "how was this scored". It follows lib/scoring/engine.ts scoreItem line by line, and its points
 * are always scoreItem's (tested), so the explanation can never disagree with the score.
 */
import { formatPoints } from "@/lib/i18n/points";
import { type ScorableAnswer, type ScorableItem, scoreItem } from "./engine";
import { toHundredths } from "./hundredths";

/**
 * A message key of the "derivation" namespace, the item's points and maximum in hundredths (the engine's own),
 * and the message's other parameters (the value, the rule's bounds, the share). `derivationParams` turns it
 * into the message's text parameters in the reader's language.
 */
export type Derivation = {
  key: string;
  points: number;
  max: number;
  params: Record<string, string | number>;
  /** the share of the maximum before rounding, in (fractional) hundredths */
  exact?: number;
  /** points per selected option (multi), in hundredths */
  each?: number;
};

const pct = (fraction: number) => `${Math.round(Math.min(1, Math.max(0, fraction)) * 10000) / 100}%`;
const exact = (maxPoints: number, fraction: number) => maxPoints * Math.min(1, Math.max(0, fraction));

/** The message parameters as text: points with two decimals, the unrounded share with four. */
export function derivationParams(derivation: Derivation, locale: string): Record<string, string | number> {
  const { params, points, max, exact: unrounded, each } = derivation;
  return {
    ...params,
    points: formatPoints(points, locale),
    max: formatPoints(max, locale),
    ...(unrounded === undefined ? {} : { exact: formatPoints(unrounded, locale, 4) }),
    ...(each === undefined ? {} : { each: formatPoints(each, locale) }),
  };
}

export function explainItemScore(
  item: ScorableItem,
  answer: ScorableAnswer | null | undefined,
  moduleVerified: boolean,
): Derivation {
  const points = moduleVerified ? scoreItem(item, answer) : 0;
  const base = { max: item.maxPoints, points };
  const plain = (key: string): Derivation => ({ ...base, key, params: {} });
  if (!moduleVerified) return plain("moduleNotVerified");
  const rule = item.scoringRule;
  if (rule.kind === "none") return plain("notScored");
  if (!answer || answer.value === null || answer.value === undefined) return plain("noValue");
  if (answer.notApplicable) return plain("notApplicable");
  const value = answer.value;
  switch (rule.kind) {
    case "linear": {
      if (typeof value !== "number") return plain("notANumber");
      const fraction = (value - rule.lo) / (rule.hi - rule.lo);
      // The share is clamped to [0, 1]: at or below lo nothing, at or above hi the full points.
      if (fraction <= 0) return { ...base, key: "linearBelow", params: { value, lo: rule.lo } };
      if (fraction >= 1) return { ...base, key: "linearAbove", params: { value, hi: rule.hi } };
      return {
        ...base,
        key: "linear",
        params: { value, lo: rule.lo, hi: rule.hi, fraction: pct(fraction) },
        exact: exact(item.maxPoints, fraction),
      };
    }
    case "bands": {
      if (typeof value !== "number") return plain("notANumber");
      const band = rule.bands.find((b) => (b.op === ">=" ? value >= b.value : value > b.value));
      if (!band) {
        const lowest = rule.bands.reduce((low, b) => (b.value < low.value ? b : low));
        return {
          ...base,
          key: "belowBands",
          params: { value, op: lowest.op === ">=" ? "≥" : ">", bound: lowest.value },
        };
      }
      return {
        ...base,
        key: "band",
        params: { value, op: band.op === ">=" ? "≥" : ">", bound: band.value, fraction: pct(band.fraction) },
        exact: exact(item.maxPoints, band.fraction),
      };
    }
    case "boolean":
      return plain(value === true ? "booleanYes" : "booleanNo");
    case "single": {
      if (typeof value !== "string") return plain("notAnOption");
      const share = rule.fractions[value] ?? 0;
      return {
        ...base,
        key: "single",
        params: { option: value, fraction: pct(share) },
        exact: exact(item.maxPoints, share),
      };
    }
    case "multi": {
      const count = Array.isArray(value) ? new Set(value.filter((v) => typeof v === "string")).size : 0;
      return { ...base, key: "multi", params: { count }, each: toHundredths(rule.pointsEach) };
    }
    case "url": {
      if (typeof value !== "string" || value.trim() === "") return plain("noValue");
      // Until a reviewer judges it, a given link counts as working (lib/scoring/engine.ts).
      return plain(answer.urlJudgement ? `url_${answer.urlJudgement}` : "url_unjudged");
    }
  }
}
