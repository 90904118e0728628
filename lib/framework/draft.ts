/**
 * The framework editor's working copy. It is flat and string-typed where the file format is nested or
 * numeric, so that every field maps to one form input and a half-typed value ("1.", "") is kept as typed:
 * `draftToFile` turns it back into the file format, and `validateFramework` then checks it with exactly
 * the rules a framework file is checked with.
 */
import {
  type AnswerType,
  type EvidenceKind,
  type FrameworkFile,
  type FrameworkItem,
  itemSchema,
  RULES_FOR_TYPE,
  type ScoringRule,
} from "./schema";

export type DraftOption = {
  value: string;
  zh: string;
  en: string /** single choice: fraction of max points */;
  fraction: string;
};
export type DraftBand = { op: ">=" | ">"; value: string; fraction: string };

export type DraftItem = {
  code: string;
  nameZh: string;
  nameEn: string;
  type: AnswerType;
  unitZh: string;
  unitEn: string;
  options: DraftOption[];
  min: string;
  max: string;
  decimals: string;
  required: boolean;
  ruleKind: ScoringRule["kind"];
  /** linear */
  lo: string;
  hi: string;
  bands: DraftBand[];
  /** multi */
  pointsEach: string;
  points: string;
  evidenceKinds: EvidenceKind[];
  evidenceRequired: boolean;
  helpZh: string;
  helpEn: string;
};

export type DraftIndicator = {
  code: string;
  nameZh: string;
  nameEn: string;
  points: string;
  proposed: boolean;
  items: DraftItem[];
};
export type DraftModule = {
  code: string;
  nameZh: string;
  nameEn: string;
  points: string;
  indicators: DraftIndicator[];
};
/** A validation rule as the editor holds it (lib/validation/rules.ts). */
export type DraftRule = { code: string; expr: string; level: "warn" | "block"; messageZh: string; messageEn: string };

export type Draft = {
  year: string;
  nameZh: string;
  nameEn: string;
  total: string;
  modules: DraftModule[];
  rules: DraftRule[];
};

const text = (n: number | undefined) => (n === undefined ? "" : String(n));

function itemToDraft(item: FrameworkItem): DraftItem {
  const { rule } = item;
  return {
    code: item.code,
    nameZh: item.name.zh,
    nameEn: item.name.en,
    type: item.type,
    unitZh: item.unit?.zh ?? "",
    unitEn: item.unit?.en ?? "",
    options: (item.options ?? []).map((o) => ({
      value: o.value,
      zh: o.label.zh,
      en: o.label.en,
      fraction: rule.kind === "single" ? text(rule.fractions[o.value]) : "",
    })),
    min: text(item.min),
    max: text(item.max),
    decimals: text(item.decimals),
    required: item.required,
    ruleKind: rule.kind,
    lo: rule.kind === "linear" ? String(rule.lo) : "",
    hi: rule.kind === "linear" ? String(rule.hi) : "",
    bands:
      rule.kind === "bands"
        ? rule.bands.map((b) => ({ op: b.op, value: String(b.value), fraction: String(b.fraction) }))
        : [],
    pointsEach: rule.kind === "multi" ? String(rule.pointsEach) : "",
    points: String(item.points),
    evidenceKinds: [...item.evidence.kinds],
    evidenceRequired: item.evidence.required,
    helpZh: item.help?.zh ?? "",
    helpEn: item.help?.en ?? "",
  };
}

export function fileToDraft(fw: FrameworkFile): Draft {
  return {
    year: String(fw.year),
    nameZh: fw.name.zh,
    nameEn: fw.name.en,
    total: String(fw.total),
    modules: fw.modules.map((m) => ({
      code: m.code,
      nameZh: m.name.zh,
      nameEn: m.name.en,
      points: String(m.points),
      indicators: m.indicators.map((i) => ({
        code: i.code,
        nameZh: i.name.zh,
        nameEn: i.name.en,
        points: String(i.points),
        proposed: i.proposed,
        items: i.items.map(itemToDraft),
      })),
    })),
    rules: fw.rules.map((r) => ({
      code: r.code,
      expr: r.expr,
      level: r.level,
      messageZh: r.message.zh,
      messageEn: r.message.en,
    })),
  };
}

/**
 * A typed number; blank becomes null and other text stays text, so that the file schema refuses them as
 * "cannot be empty" or "is not a number", naming the field.
 */
function num(value: string): number | string | null {
  const text = value.trim();
  if (text === "") return null;
  return Number.isFinite(Number(text)) ? Number(text) : text;
}

/** An optional number: blank means "not set". */
function optionalNum(value: string): number | string | undefined {
  return num(value) ?? undefined;
}

function optionalLocalized(zh: string, en: string) {
  return zh.trim() || en.trim() ? { zh, en } : undefined;
}

function draftRule(item: DraftItem): { kind: ScoringRule["kind"] } & Record<string, unknown> {
  switch (item.ruleKind) {
    case "linear":
      return { kind: "linear", lo: num(item.lo), hi: num(item.hi) };
    case "bands":
      return {
        kind: "bands",
        bands: item.bands.map((b) => ({ op: b.op, value: num(b.value), fraction: num(b.fraction) })),
      };
    case "single":
      return { kind: "single", fractions: Object.fromEntries(item.options.map((o) => [o.value, num(o.fraction)])) };
    case "multi":
      return { kind: "multi", pointsEach: num(item.pointsEach) };
    default:
      return { kind: item.ruleKind };
  }
}

function draftItemToFile(item: DraftItem) {
  const hasOptions = item.type === "single" || item.type === "multi";
  return {
    code: item.code,
    name: { zh: item.nameZh, en: item.nameEn },
    type: item.type,
    unit: item.type === "number" ? optionalLocalized(item.unitZh, item.unitEn) : undefined,
    options: hasOptions ? item.options.map((o) => ({ value: o.value, label: { zh: o.zh, en: o.en } })) : undefined,
    min: item.type === "number" ? optionalNum(item.min) : undefined,
    max: item.type === "number" ? optionalNum(item.max) : undefined,
    decimals: item.type === "number" ? optionalNum(item.decimals) : undefined,
    required: item.required,
    rule: draftRule(item),
    points: num(item.points),
    evidence: { kinds: item.evidenceKinds, required: item.evidenceRequired },
    help: optionalLocalized(item.helpZh, item.helpEn),
  };
}

/** The draft in the file format, unvalidated: pass it to `validateFramework`. */
export function draftToFile(draft: Draft): unknown {
  const strip = <T extends object>(o: T) => JSON.parse(JSON.stringify(o)) as T; // drops undefined keys, as a saved file would
  return strip({
    year: num(draft.year),
    name: { zh: draft.nameZh, en: draft.nameEn },
    total: num(draft.total),
    modules: draft.modules.map((m) => ({
      code: m.code,
      name: { zh: m.nameZh, en: m.nameEn },
      points: num(m.points),
      indicators: m.indicators.map((i) => ({
        code: i.code,
        name: { zh: i.nameZh, en: i.nameEn },
        points: num(i.points),
        proposed: i.proposed,
        items: i.items.map(draftItemToFile),
      })),
    })),
    rules: (draft.rules ?? []).map((r) => ({
      code: r.code.trim(),
      expr: r.expr,
      level: r.level,
      message: { zh: r.messageZh, en: r.messageEn },
    })),
  });
}

/** The draft item in the file format, or null while it does not parse (e.g. a half-typed number). */
export function draftItemPreview(item: DraftItem): FrameworkItem | null {
  const parsed = itemSchema.safeParse(draftItemToFile(item));
  return parsed.success ? parsed.data : null;
}

/** The first code of the form prefix + n that is not taken. */
function nextCode(prefix: string, taken: string[]): string {
  for (let n = taken.length + 1; ; n++) if (!taken.includes(`${prefix}${n}`)) return `${prefix}${n}`;
}

export function allCodes(draft: Draft): string[] {
  return draft.modules.flatMap((m) => [
    m.code,
    ...m.indicators.flatMap((i) => [i.code, ...i.items.map((item) => item.code)]),
  ]);
}

export function newModule(draft: Draft): DraftModule {
  const taken = new Set(allCodes(draft));
  const code = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZ"].find((c) => !taken.has(c)) ?? nextCode("M", [...taken]);
  return { code, nameZh: "新模块", nameEn: "New module", points: "0", indicators: [newIndicator(code, [])] };
}

export function newIndicator(moduleCode: string, siblings: DraftIndicator[]): DraftIndicator {
  const code = nextCode(
    moduleCode,
    siblings.map((i) => i.code),
  );
  return { code, nameZh: "新指标", nameEn: "New indicator", points: "0", proposed: false, items: [newItem(code, [])] };
}

/** A new item is a yes/no question worth 0 points, so adding it never breaks the sums. */
export function newItem(indicatorCode: string, siblings: DraftItem[]): DraftItem {
  return {
    ...itemToDraft({
      code: nextCode(
        `${indicatorCode}.`,
        siblings.map((i) => i.code),
      ),
      name: { zh: "新指标项", en: "New item" },
      type: "boolean",
      required: true,
      rule: { kind: "boolean" },
      points: 0,
      evidence: { kinds: ["DOC"], required: false },
    }),
  };
}

/** The item after its answer type changed: the first rule that fits the type, with usable starting parameters. */
export function withType(item: DraftItem, type: AnswerType): DraftItem {
  const ruleKind = RULES_FOR_TYPE[type][0]!;
  const hasOptions = type === "single" || type === "multi";
  const options =
    hasOptions && item.options.length === 0
      ? [
          { value: "a", zh: "选项一", en: "Option 1", fraction: "1" },
          { value: "b", zh: "选项二", en: "Option 2", fraction: "0" },
        ]
      : hasOptions
        ? item.options.map((o) => ({ ...o, fraction: o.fraction || "0" }))
        : [];
  return {
    ...item,
    type,
    ruleKind,
    options,
    lo: ruleKind === "linear" ? item.lo || "0" : item.lo,
    hi: ruleKind === "linear" ? item.hi || "100" : item.hi,
    pointsEach: ruleKind === "multi" ? item.pointsEach || "0.5" : item.pointsEach,
    points: ruleKind === "none" ? "0" : item.points,
  };
}

/** The item after its rule changed (for numbers: linear ⇄ bands), with usable starting parameters. */
export function withRule(item: DraftItem, ruleKind: ScoringRule["kind"]): DraftItem {
  return {
    ...item,
    ruleKind,
    lo: ruleKind === "linear" ? item.lo || "0" : item.lo,
    hi: ruleKind === "linear" ? item.hi || "100" : item.hi,
    bands: ruleKind === "bands" && item.bands.length === 0 ? [{ op: ">=", value: "1", fraction: "1" }] : item.bands,
  };
}
