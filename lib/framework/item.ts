/**
 * One item of a round's framework, with one set of field names from the database to the questionnaire, the
 * engine and the exports (points in integer hundredths). Narrower types elsewhere are `Pick`s of it.
 *
 * The framework file (./schema.ts) is written by people and keeps its own names (`type`, `min`, `rule`,
 * `points` in decimals, names as { zh, en }); `itemFromFile` and `frameworkToFile` are the one mapping
 * between the two. The questionnaire renders an item in the reader's language: `localizeItem` is the one
 * mapping at that boundary.
 */
import { pick } from "@/lib/i18n/pick";
import { toHundredths, toPoints } from "@/lib/scoring/hundredths";
import type {
  AnswerType,
  EvidenceKind,
  FrameworkFile,
  FrameworkIndicator,
  FrameworkItem,
  FrameworkModule,
  ItemOption,
  ScoringRule,
} from "./schema";

export type Item = {
  code: string;
  nameZh: string;
  nameEn: string;
  answerType: AnswerType;
  unitZh: string | null;
  unitEn: string | null;
  options: ItemOption[] | null;
  minValue: number | null;
  maxValue: number | null;
  decimals: number | null;
  required: boolean;
  scoringRule: ScoringRule;
  /** hundredths */
  maxPoints: number;
  evidenceKinds: EvidenceKind[];
  evidenceRequired: boolean;
  helpZh: string | null;
  helpEn: string | null;
};

/** A module or an indicator: its code, names and points (hundredths). */
export type FrameworkNode = { code: string; nameZh: string; nameEn: string; maxPoints: number };
export type IndicatorNode = FrameworkNode & { proposed: boolean };

/** A database row type that carries an item's fields under their names (a compile-time check at the schema). */
export type ItemRow<T extends Item> = T;

export function itemFromFile(item: FrameworkItem): Item {
  return {
    code: item.code,
    nameZh: item.name.zh,
    nameEn: item.name.en,
    answerType: item.type,
    unitZh: item.unit?.zh ?? null,
    unitEn: item.unit?.en ?? null,
    options: item.options ?? null,
    minValue: item.min ?? null,
    maxValue: item.max ?? null,
    decimals: item.decimals ?? null,
    required: item.required,
    scoringRule: item.rule,
    maxPoints: toHundredths(item.points),
    evidenceKinds: item.evidence.kinds,
    evidenceRequired: item.evidence.required,
    helpZh: item.help?.zh ?? null,
    helpEn: item.help?.en ?? null,
  };
}

export function moduleFromFile(mod: FrameworkModule): FrameworkNode {
  return { code: mod.code, nameZh: mod.name.zh, nameEn: mod.name.en, maxPoints: toHundredths(mod.points) };
}

export function indicatorFromFile(ind: FrameworkIndicator): IndicatorNode {
  return {
    code: ind.code,
    nameZh: ind.name.zh,
    nameEn: ind.name.en,
    maxPoints: toHundredths(ind.points),
    proposed: ind.proposed,
  };
}

function itemToFile(item: Item): FrameworkItem {
  const localized = (zh: string | null, en: string | null) => (zh && en ? { zh, en } : undefined);
  return {
    code: item.code,
    name: { zh: item.nameZh, en: item.nameEn },
    type: item.answerType,
    unit: localized(item.unitZh, item.unitEn),
    options: item.options ?? undefined,
    min: item.minValue ?? undefined,
    max: item.maxValue ?? undefined,
    decimals: item.decimals ?? undefined,
    required: item.required,
    rule: item.scoringRule,
    points: toPoints(item.maxPoints),
    evidence: { kinds: item.evidenceKinds, required: item.evidenceRequired },
    help: localized(item.helpZh, item.helpEn),
  };
}

/** A round's framework as nested nodes (modules → indicators → items), the way the database loads it. */
export type FrameworkTree = (FrameworkNode & {
  indicators: (IndicatorNode & { items: Item[] })[];
})[];

/** The file format of data/frameworks from a round's nodes (points back in decimals). */
export function frameworkToFile(year: number, name: string, tree: FrameworkTree): FrameworkFile {
  return {
    year,
    name: { zh: name, en: name },
    total: toPoints(tree.reduce((sum, m) => sum + m.maxPoints, 0)),
    modules: tree.map((m) => ({
      code: m.code,
      name: { zh: m.nameZh, en: m.nameEn },
      points: toPoints(m.maxPoints),
      indicators: m.indicators.map((i) => ({
        code: i.code,
        name: { zh: i.nameZh, en: i.nameEn },
        points: toPoints(i.maxPoints),
        proposed: i.proposed,
        items: i.items.map(itemToFile),
      })),
    })),
    rules: [],
  };
}

/** An item as the questionnaire renders it: names, unit and help already in the reader's language. */
export type LocalizedItem = Omit<Item, "nameZh" | "nameEn" | "unitZh" | "unitEn" | "helpZh" | "helpEn"> & {
  id: number;
  name: string;
  unit: string | null;
  help: string | null;
};

/** Only the item's own fields cross to the browser, whatever else the row carries. */
export function localizeItem(item: Item & { id: number }, locale: string): LocalizedItem {
  const en = locale === "en";
  return {
    id: item.id,
    code: item.code,
    name: pick(locale, item.nameZh, item.nameEn),
    answerType: item.answerType,
    unit: en ? item.unitEn : item.unitZh,
    options: item.options,
    minValue: item.minValue,
    maxValue: item.maxValue,
    decimals: item.decimals,
    required: item.required,
    scoringRule: item.scoringRule,
    maxPoints: item.maxPoints,
    evidenceKinds: item.evidenceKinds,
    evidenceRequired: item.evidenceRequired,
    help: en ? item.helpEn : item.helpZh,
  };
}
