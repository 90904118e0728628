/**
 * How an item's points come about, step by step, from the value in force and the item's rule: what a city
 * reads under "how was this scored". It follows lib/scoring/engine.ts scoreItem line by line, and its points
 * are always scoreItem's (tested), so the explanation can never disagree with the score.
 */
import { type ScorableAnswer, type ScorableItem, scoreItem } from "./engine";

/** A message key of the "derivation" namespace and its parameters (points in points, not hundredths). */
export type Derivation = { key: string; params: Record<string, string | number> };

const pts = (hundredths: number) => (hundredths / 100).toFixed(2);
const pct = (fraction: number) => `${Math.round(Math.min(1, Math.max(0, fraction)) * 10000) / 100}%`;
const exact = (maxPoints: number, fraction: number) =>
  ((maxPoints * Math.min(1, Math.max(0, fraction))) / 100).toFixed(4);

export function explainItemScore(
  item: ScorableItem,
  answer: ScorableAnswer | null | undefined,
  moduleVerified: boolean,
): Derivation {
  const points = moduleVerified ? scoreItem(item, answer) : 0;
  const base = { max: pts(item.maxPoints), points: pts(points) };
  if (!moduleVerified) return { key: "moduleNotVerified", params: base };
  if (item.rule.kind === "none") return { key: "notScored", params: base };
  if (!answer || answer.value === null || answer.value === undefined) return { key: "noValue", params: base };
  if (answer.notApplicable) return { key: "notApplicable", params: base };
  const { rule } = item;
  const value = answer.value;
  switch (rule.kind) {
    case "linear": {
      if (typeof value !== "number") return { key: "notANumber", params: base };
      const fraction = (value - rule.lo) / (rule.hi - rule.lo);
      // The share is clamped to [0, 1]: at or below lo nothing, at or above hi the full points.
      if (fraction <= 0) return { key: "linearBelow", params: { ...base, value, lo: rule.lo } };
      if (fraction >= 1) return { key: "linearAbove", params: { ...base, value, hi: rule.hi } };
      return {
        key: "linear",
        params: {
          ...base,
          value,
          lo: rule.lo,
          hi: rule.hi,
          fraction: pct(fraction),
          exact: exact(item.maxPoints, fraction),
        },
      };
    }
    case "bands": {
      if (typeof value !== "number") return { key: "notANumber", params: base };
      const band = rule.bands.find((b) => (b.op === ">=" ? value >= b.value : value > b.value));
      if (!band) {
        const lowest = rule.bands.reduce((low, b) => (b.value < low.value ? b : low));
        return {
          key: "belowBands",
          params: { ...base, value, op: lowest.op === ">=" ? "≥" : ">", bound: lowest.value },
        };
      }
      return {
        key: "band",
        params: {
          ...base,
          value,
          op: band.op === ">=" ? "≥" : ">",
          bound: band.value,
          fraction: pct(band.fraction),
          exact: exact(item.maxPoints, band.fraction),
        },
      };
    }
    case "boolean":
      return { key: value === true ? "booleanYes" : "booleanNo", params: base };
    case "single":
      if (typeof value !== "string") return { key: "notAnOption", params: base };
      return {
        key: "single",
        params: {
          ...base,
          option: String(value),
          fraction: pct(rule.fractions[String(value)] ?? 0),
          exact: exact(item.maxPoints, rule.fractions[String(value)] ?? 0),
        },
      };
    case "multi": {
      const count = Array.isArray(value) ? new Set(value.filter((v) => typeof v === "string")).size : 0;
      return { key: "multi", params: { ...base, count, each: rule.pointsEach.toFixed(2) } };
    }
    case "url": {
      if (typeof value !== "string" || value.trim() === "") return { key: "noValue", params: base };
      // Until a reviewer judges it, a given link counts as working (lib/scoring/engine.ts).
      return { key: answer.urlJudgement ? `url_${answer.urlJudgement}` : "url_unjudged", params: base };
    }
  }
}
