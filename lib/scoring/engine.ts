/**
 * The one scoring engine: item rules → indicator → module → total, in integer hundredths of a point.
 * Used for the live provisional score in the questionnaire, in review, and at finalisation.
 */
import type { Item } from "@/lib/framework/item";
import { toHundredths } from "./hundredths";

export type UrlJudgement = "ok" | "partial" | "bad";

export type ScorableItem = Pick<Item, "code" | "scoringRule" | "maxPoints">;

export type ScorableAnswer = {
  value: unknown;
  notApplicable?: boolean;
  /** the reviewer's judgement of a URL answer; until judged, a given link counts as working */
  urlJudgement?: UrlJudgement | null;
};

/** Hundredths of `max` for a fraction in [0, 1]; the epsilon absorbs binary artefacts such as 0.285 × 100. */
function share(maxPoints: number, fraction: number): number {
  return Math.round(maxPoints * Math.min(1, Math.max(0, fraction)) + 1e-9);
}

const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

export function scoreItem(item: ScorableItem, answer: ScorableAnswer | null | undefined): number {
  if (!answer || answer.notApplicable || answer.value === null || answer.value === undefined) return 0;
  const { scoringRule: rule, maxPoints } = item;
  const { value } = answer;
  switch (rule.kind) {
    case "linear":
      return isNumber(value) ? share(maxPoints, (value - rule.lo) / (rule.hi - rule.lo)) : 0;
    case "bands": {
      if (!isNumber(value)) return 0;
      const band = rule.bands.find((b) => (b.op === ">=" ? value >= b.value : value > b.value));
      return band ? share(maxPoints, band.fraction) : 0;
    }
    case "boolean":
      return value === true ? maxPoints : 0;
    case "single":
      return typeof value === "string" ? share(maxPoints, rule.fractions[value] ?? 0) : 0;
    case "multi": {
      if (!Array.isArray(value)) return 0;
      const each = toHundredths(rule.pointsEach);
      return Math.min(maxPoints, new Set(value.filter((v) => typeof v === "string")).size * each);
    }
    case "url": {
      if (typeof value !== "string" || value.trim() === "") return 0;
      const judgement = answer.urlJudgement ?? "ok";
      return judgement === "ok" ? maxPoints : judgement === "partial" ? share(maxPoints, 0.5) : 0;
    }
    case "none":
      return 0;
  }
}

export type FrameworkShape = {
  code: string;
  maxPoints: number;
  indicators: { code: string; maxPoints: number; items: ScorableItem[] }[];
}[];

export type Scorecard = {
  items: Record<string, number>;
  indicators: Record<string, number>;
  modules: Record<string, number>;
  total: number;
};

/** Scores every item of the framework from the answers by item code; sums are plain. */
export function scoreFramework(
  framework: FrameworkShape,
  answers: Record<string, ScorableAnswer | undefined>,
): Scorecard {
  const card: Scorecard = { items: {}, indicators: {}, modules: {}, total: 0 };
  for (const mod of framework) {
    let moduleSum = 0;
    for (const ind of mod.indicators) {
      let indicatorSum = 0;
      for (const item of ind.items) {
        const points = scoreItem(item, answers[item.code]);
        card.items[item.code] = points;
        indicatorSum += points;
      }
      card.indicators[ind.code] = indicatorSum;
      moduleSum += indicatorSum;
    }
    card.modules[mod.code] = moduleSum;
    card.total += moduleSum;
  }
  return card;
}
