/**
 * Reading a workbook back into a framework file (the format: ./workbook.ts). One parser over 400 lines on purpose:
 * cells, rows, options, rules and the placing of validation problems on their rows share the sheet's state and
 * its problem list; split apart, they would hand both around.
 */
import ExcelJS from "exceljs";
import { type CellScalar, cellScalar } from "@/lib/spreadsheet-cell";
import { ANSWER_TYPES, type Band, EVIDENCE_KINDS, type ItemOption, RULES_FOR_TYPE, type ScoringRule } from "./schema";
import { type FrameworkProblemKey, validateFramework } from "./validate";
import {
  Column,
  FRAMEWORK_SHEET,
  ITEMS_SHEET,
  RULES_SHEET,
  SHEET_COLUMNS,
  UnreadableWorkbookError,
  WorkbookProblem,
  WorkbookProblemKey,
  WorkbookResult,
} from "./workbook";

type Scalar = CellScalar;

const NUMBER = String.raw`[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?`;
const NUMBER_TEXT = new RegExp(`^${NUMBER}$`, "i");
const BAND_LINE = new RegExp(`^(>=|≥|>)\\s*(${NUMBER})\\s*(?:→|->)\\s*(${NUMBER})$`, "i");
const SINGLE_LINE = new RegExp(`^(.+?)\\s*=\\s*(${NUMBER})$`, "i");
const PAIR = new RegExp(`^([a-z]+)\\s*=\\s*(${NUMBER})$`, "i");
const TRUE_TEXT = new Set(["yes", "y", "true", "1", "是"]);
const FALSE_TEXT = new Set(["no", "n", "false", "0", "否"]);
const RULE_KINDS = [...new Set(Object.values(RULES_FOR_TYPE).flat())];
const RULE_EXAMPLES: Partial<Record<ScoringRule["kind"], string>> = {
  linear: "lo=60; hi=100",
  bands: ">= 10 → 1",
  single: "value = 0.5",
  multi: "each=0.3",
};

const parseNumber = (text: string) => (NUMBER_TEXT.test(text) ? Number(text) : undefined);
const linesOf = (text: string) =>
  text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
const isOneOf = <T extends string>(values: readonly T[], value: string): value is T =>
  (values as readonly string[]).includes(value);

/** One non-blank row of a sheet; each reading method reports its own problem and returns undefined. */
class RowReader {
  constructor(
    readonly sheet: string,
    readonly row: number,
    private readonly cells: Map<Column, Scalar>,
    private readonly problems: WorkbookProblem[],
    readonly at: string,
  ) {}

  problem(column: Column, key: WorkbookProblemKey, params: Record<string, string | number> = {}, at = this.at) {
    this.problems.push({ at, sheet: this.sheet, row: this.row, column, key, params: { column, ...params } });
  }

  has(column: Column): boolean {
    return this.cells.has(column);
  }

  text(column: Column, required = false): string | undefined {
    const value = this.cells.get(column);
    if (value === undefined && required) this.problem(column, "missingValue");
    return value === undefined ? undefined : String(value);
  }

  number(column: Column, required = false): number | undefined {
    const value = this.cells.get(column);
    if (typeof value === "number") return value;
    const parsed = typeof value === "string" ? parseNumber(value) : undefined;
    if (parsed === undefined) {
      if (value !== undefined) this.problem(column, "notANumber", { value: String(value) });
      else if (required) this.problem(column, "missingValue");
    }
    return parsed;
  }

  boolean(column: Column, required = false): boolean | undefined {
    const value = this.cells.get(column);
    if (typeof value === "boolean") return value;
    const text = value === undefined ? undefined : String(value).toLowerCase();
    if (text !== undefined && TRUE_TEXT.has(text)) return true;
    if (text !== undefined && FALSE_TEXT.has(text)) return false;
    if (value !== undefined) this.problem(column, "notABoolean", { value: String(value) });
    else if (required) this.problem(column, "missingValue");
    return undefined;
  }

  /** Both languages, or neither when optional; a half-filled pair is a problem. */
  localized(zh: Column, en: Column, required: boolean): { zh: string; en: string } | undefined {
    const need = required || this.has(zh) || this.has(en);
    const pair = { zh: this.text(zh, need), en: this.text(en, need) };
    return pair.zh !== undefined && pair.en !== undefined ? { zh: pair.zh, en: pair.en } : undefined;
  }
}

type SheetRow = { row: number; cells: Map<Column, Scalar> };

/** The non-blank data rows of a sheet by header name (any order; extra columns are ignored). */
function readSheet(workbook: ExcelJS.Workbook, name: string, problems: WorkbookProblem[]): SheetRow[] | undefined {
  const sheet = workbook.worksheets.find((ws) => ws.name.trim().toLowerCase() === name.toLowerCase());
  if (!sheet) {
    problems.push({ at: name, sheet: name, key: "missingSheet", params: { sheet: name } });
    return undefined;
  }
  const columns = SHEET_COLUMNS[name]!;
  const index = new Map<string, number>();
  sheet.getRow(1).eachCell((cell, col) => {
    const header = cellScalar(cell.value);
    if (header !== undefined && !index.has(String(header).toLowerCase())) index.set(String(header).toLowerCase(), col);
  });
  const missing = columns.filter((column) => !index.has(column));
  for (const column of missing)
    problems.push({ at: name, sheet: name, row: 1, column, key: "missingColumn", params: { column } });
  if (missing.length) return undefined;

  const rows: SheetRow[] = [];
  // Only the rows the file holds: walking up to rowCount would build every empty row between (a stray cell at
  // row 1,048,576 of a tiny file would take gigabytes).
  sheet.eachRow({ includeEmpty: false }, (row, n) => {
    if (n === 1) return;
    const cells = new Map<Column, Scalar>();
    for (const column of columns) {
      const value = cellScalar(row.getCell(index.get(column)!).value);
      if (value !== undefined) cells.set(column, value);
    }
    if (cells.size) rows.push({ row: n, cells });
  });
  return rows;
}

function readOptions(read: RowReader): ItemOption[] | undefined {
  const text = read.text("options");
  if (text === undefined) return undefined;
  const options: ItemOption[] = [];
  for (const line of linesOf(text)) {
    const [value, zh, en, ...rest] = line.split("|").map((part) => part.trim());
    if (!value || !zh || !en || rest.length) read.problem("options", "badOptions", { value: line });
    else options.push({ value, label: { zh, en } });
  }
  return options;
}

/** `lo=0; hi=100` → { lo: 0, hi: 100 } when exactly the expected names are given, each once. */
function readPairs(text: string, names: readonly string[]): Record<string, number> | undefined {
  const pairs: Record<string, number> = {};
  for (const part of text
    .split(/[;；\n]/)
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = PAIR.exec(part);
    const name = match?.[1]?.toLowerCase() ?? "";
    if (!match || !names.includes(name) || name in pairs) return undefined;
    pairs[name] = Number(match[2]);
  }
  return names.every((name) => name in pairs) ? pairs : undefined;
}

function readRule(read: RowReader, kind: ScoringRule["kind"]): ScoringRule | undefined {
  const example = RULE_EXAMPLES[kind];
  const text = read.text("rule_params", example !== undefined);
  if (text === undefined) return example === undefined ? ({ kind } as ScoringRule) : undefined;
  if (example === undefined) {
    read.problem("rule_params", "unexpectedRuleParams", { rule: kind });
    return undefined;
  }
  let ok = true;
  const bad = (value: string) => {
    read.problem("rule_params", "badRuleParams", { rule: kind, value, example });
    ok = false;
  };
  if (kind === "linear" || kind === "multi") {
    const pairs = readPairs(text, kind === "linear" ? ["lo", "hi"] : ["each"]);
    if (!pairs) bad(text);
    else return kind === "linear" ? { kind, lo: pairs.lo!, hi: pairs.hi! } : { kind, pointsEach: pairs.each! };
    return undefined;
  }
  if (kind === "bands") {
    const bands: Band[] = [];
    for (const line of linesOf(text)) {
      const match = BAND_LINE.exec(line);
      if (!match) bad(line);
      else bands.push({ op: match[1] === ">" ? ">" : ">=", value: Number(match[2]), fraction: Number(match[3]) });
    }
    return ok ? { kind, bands } : undefined;
  }
  const fractions: Record<string, number> = {};
  for (const line of linesOf(text)) {
    const match = SINGLE_LINE.exec(line);
    if (!match || match[1]! in fractions) bad(line);
    else fractions[match[1]!] = Number(match[2]);
  }
  return ok ? { kind: "single", fractions } : undefined;
}

function readEvidenceKinds(read: RowReader): string[] {
  const kinds = (read.text("evidence_kinds") ?? "")
    .split(/[\s,，;；、]+/)
    .filter(Boolean)
    .map((kind) => kind.toUpperCase());
  for (const kind of kinds) {
    if (!isOneOf(EVIDENCE_KINDS, kind))
      read.problem("evidence_kinds", "unknownEvidenceKind", { value: kind, allowed: EVIDENCE_KINDS.join(", ") });
  }
  return kinds;
}

/** Drops absent optional fields, so that a read framework equals the parsed file it was written from. */
function compact<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

function readItem(read: RowReader, code: string): Record<string, unknown> {
  const type = read.text("type", true)?.toLowerCase();
  if (type !== undefined && !isOneOf(ANSWER_TYPES, type))
    read.problem("type", "unknownType", { value: type, allowed: ANSWER_TYPES.join(", ") });
  const kind = read.text("rule", true)?.toLowerCase();
  let rule: ScoringRule | undefined;
  if (kind !== undefined) {
    if (isOneOf(RULE_KINDS, kind)) rule = readRule(read, kind);
    else read.problem("rule", "unknownRule", { value: kind, allowed: RULE_KINDS.join(", ") });
  }
  return compact({
    code,
    name: read.localized("item_name_zh", "item_name_en", true),
    type,
    unit: read.localized("unit_zh", "unit_en", false),
    options: readOptions(read),
    min: read.number("min"),
    max: read.number("max"),
    decimals: read.number("decimals"),
    required: read.boolean("required"),
    rule,
    points: read.number("points", true),
    evidence: { kinds: readEvidenceKinds(read), required: read.boolean("evidence_required", true) },
    help: read.localized("help_zh", "help_en", false),
  });
}

/** A module or indicator: its first row, and each of its columns as first given. */
class Group {
  readonly fields = new Map<Column, { value: Scalar; row: number }>();
  /** columns given on some row, even unreadably (so that a bad value is not also reported as missing) */
  readonly filled = new Set<Column>();
  readonly children: string[] = [];
  constructor(
    readonly code: string,
    readonly row: number,
  ) {}

  merge(read: RowReader, column: Column, value: Scalar | undefined) {
    if (read.has(column)) this.filled.add(column);
    if (value === undefined) return;
    const first = this.fields.get(column);
    if (!first) this.fields.set(column, { value, row: read.row });
    else if (first.value !== value)
      read.problem(column, "conflictingValue", { code: this.code, first: first.row }, this.code);
  }

  get(column: Column): Scalar | undefined {
    return this.fields.get(column)?.value;
  }

  requireAll(columns: readonly Column[], problems: WorkbookProblem[]) {
    for (const column of columns) {
      if (!this.filled.has(column))
        problems.push({
          at: this.code,
          sheet: ITEMS_SHEET,
          row: this.row,
          column,
          key: "missingValue",
          params: { column },
        });
    }
  }
}

function groupOf(groups: Map<string, Group>, code: string, row: number): Group {
  let group = groups.get(code);
  if (!group) groups.set(code, (group = new Group(code, row)));
  return group;
}

type Level = "framework" | "module" | "indicator" | "item";

/** The column of a validation problem's field (`name.zh`, `rule.lo`, `evidence.required`, ...) at a level. */
function columnOf(level: Level, field: string | undefined): string | undefined {
  if (!field) return undefined;
  const [head, sub] = field.split(".");
  let column: string;
  if (level === "framework") column = head === "name" ? `name_${sub}` : head === "points" ? "total" : head!;
  else if (level !== "item") column = `${level}_${head === "name" ? `name_${sub}` : head}`;
  else if (head === "code" || head === "name") column = `item_${head === "name" ? `name_${sub}` : head}`;
  else if (head === "unit" || head === "help") column = `${head}_${sub ?? "zh"}`;
  else if (head === "evidence") column = `evidence_${sub ?? "kinds"}`;
  else if (head === "rule") column = sub === undefined || sub === "kind" ? "rule" : "rule_params";
  else column = head!;
  const sheet = level === "framework" ? FRAMEWORK_SHEET : ITEMS_SHEET;
  return (SHEET_COLUMNS[sheet] as readonly string[]).includes(column) ? column : undefined;
}

/** The field each validation problem is about, where its key alone tells (invalidShape names it). */
const FIELD_OF_KEY: Partial<Record<FrameworkProblemKey, string>> = {
  duplicateCode: "code",
  codeNotNested: "code",
  pointsPrecision: "points",
  modulesSum: "total",
  indicatorsSum: "points",
  itemsSum: "points",
  ruleNotForType: "rule",
  linearRange: "rule.params",
  bandsOrder: "rule.params",
  singleFractions: "rule.params",
  optionsMissing: "options",
  optionsNotAllowed: "options",
  duplicateOption: "options",
  minAboveMax: "min",
  unitNotAllowed: "unit",
  unscoredWithPoints: "points",
};

function sortProblems(problems: WorkbookProblem[]): WorkbookProblem[] {
  const sheetOrder = (p: WorkbookProblem) => (p.sheet === undefined ? -1 : p.sheet === FRAMEWORK_SHEET ? 0 : 1);
  const columnOrder = (p: WorkbookProblem) =>
    p.sheet && p.column ? (SHEET_COLUMNS[p.sheet] as readonly string[]).indexOf(p.column) : -1;
  return problems.sort(
    (a, b) => sheetOrder(a) - sheetOrder(b) || (a.row ?? 0) - (b.row ?? 0) || columnOrder(a) - columnOrder(b),
  );
}

/** The Rules sheet's column of a shape problem of a rule (its level, message …), else its expression. */
function columnOfRule(problem: { params?: Record<string, unknown> }): string {
  const field = String(problem.params?.field ?? "");
  if (field.endsWith("level")) return "level";
  if (field.includes("message.zh")) return "message_zh";
  if (field.includes("message.en")) return "message_en";
  if (field.endsWith("code")) return "code";
  return "expr";
}

/**
 * Reads a workbook written by `frameworkToWorkbook` (and edited in Excel) back into a validated framework,
 * or lists every problem by code, sheet, row and column. Throws UnreadableWorkbookError when the bytes are
 * not an .xlsx workbook.
 */
export async function workbookToFramework(bytes: Uint8Array | ArrayBuffer): Promise<WorkbookResult> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(
      Buffer.from(bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes) as unknown as ExcelJS.Buffer,
    );
  } catch {
    throw new UnreadableWorkbookError();
  }
  const problems: WorkbookProblem[] = [];

  const head = readSheet(workbook, FRAMEWORK_SHEET, problems);
  const headRow = head?.[0] ?? { row: 2, cells: new Map<Column, Scalar>() };
  const headReader = new RowReader(FRAMEWORK_SHEET, headRow.row, headRow.cells, problems, FRAMEWORK_SHEET);
  const year = head ? headReader.number("year", true) : undefined;
  const name = head ? headReader.localized("name_zh", "name_en", true) : undefined;
  const total = head ? headReader.number("total", true) : undefined;

  const rows = readSheet(workbook, ITEMS_SHEET, problems);
  if (rows?.length === 0) problems.push({ at: ITEMS_SHEET, sheet: ITEMS_SHEET, row: 2, key: "noItems" });
  const modules = new Map<string, Group>();
  const indicators = new Map<string, Group>();
  const items: { indicator: string; item: Record<string, unknown> }[] = [];
  const itemRows = new Map<string, number[]>();
  for (const { row, cells } of rows ?? []) {
    const read = new RowReader(ITEMS_SHEET, row, cells, problems, String(cells.get("item_code") ?? ITEMS_SHEET));
    const moduleCode = read.text("module_code", true);
    const indicatorCode = read.text("indicator_code", true);
    const itemCode = read.text("item_code", true);
    const moduleNumbers = { module_points: read.number("module_points") };
    const indicatorValues = {
      indicator_points: read.number("indicator_points"),
      indicator_proposed: read.boolean("indicator_proposed"),
    };
    const item = readItem(read, itemCode ?? "");
    if (moduleCode === undefined || indicatorCode === undefined || itemCode === undefined) continue;

    const mod = groupOf(modules, moduleCode, row);
    mod.merge(read, "module_name_zh", read.text("module_name_zh"));
    mod.merge(read, "module_name_en", read.text("module_name_en"));
    mod.merge(read, "module_points", moduleNumbers.module_points);
    const isNewIndicator = !indicators.has(indicatorCode);
    const ind = groupOf(indicators, indicatorCode, row);
    if (isNewIndicator) mod.children.push(indicatorCode);
    // The module is a column of the indicator like any other: a row that moves it elsewhere is a conflict.
    ind.merge(read, "module_code", moduleCode);
    ind.merge(read, "indicator_name_zh", read.text("indicator_name_zh"));
    ind.merge(read, "indicator_name_en", read.text("indicator_name_en"));
    ind.merge(read, "indicator_points", indicatorValues.indicator_points);
    ind.merge(read, "indicator_proposed", indicatorValues.indicator_proposed);
    items.push({ indicator: indicatorCode, item });
    itemRows.set(itemCode, [...(itemRows.get(itemCode) ?? []), row]);
  }
  // The rules sheet is optional (a workbook from before rules, or a framework without any).
  const ruleRows = new Map<string, number>();
  const rules: Record<string, unknown>[] = [];
  const hasRules = workbook.worksheets.some((ws) => ws.name.trim().toLowerCase() === RULES_SHEET.toLowerCase());
  for (const { row, cells } of (hasRules ? readSheet(workbook, RULES_SHEET, problems) : undefined) ?? []) {
    const read = new RowReader(RULES_SHEET, row, cells, problems, String(cells.get("code") ?? RULES_SHEET));
    const code = read.text("code", true);
    const rule = {
      code,
      expr: read.text("expr", true),
      level: read.text("level", true),
      message: read.localized("message_zh", "message_en", true),
    };
    if (code === undefined) continue;
    ruleRows.set(code, row);
    rules.push(rule);
  }
  for (const mod of modules.values()) mod.requireAll(["module_name_zh", "module_name_en", "module_points"], problems);
  for (const ind of indicators.values())
    ind.requireAll(["indicator_name_zh", "indicator_name_en", "indicator_points"], problems);
  if (problems.length) return { ok: false, problems: sortProblems(problems) };

  const localizedOf = (group: Group, prefix: string) => ({
    zh: group.get(`${prefix}_name_zh` as Column),
    en: group.get(`${prefix}_name_en` as Column),
  });
  const result = validateFramework({
    year,
    name,
    total,
    modules: [...modules.values()].map((mod) => ({
      code: mod.code,
      name: localizedOf(mod, "module"),
      points: mod.get("module_points"),
      indicators: mod.children
        .map((code) => indicators.get(code)!)
        .map((ind) =>
          compact({
            code: ind.code,
            name: localizedOf(ind, "indicator"),
            points: ind.get("indicator_points"),
            proposed: ind.get("indicator_proposed"),
            items: items.filter((i) => i.indicator === ind.code).map((i) => i.item),
          }),
        ),
    })),
    rules,
  });
  if (result.ok) return result;

  // A repeated item code is reported once per repetition: the n-th report points at the n-th repeat.
  const duplicatesSeen = new Map<string, number>();
  const place = (at: string, key: FrameworkProblemKey): { level: Level; row: number } => {
    const group = modules.get(at) ?? indicators.get(at);
    if (group) return { level: modules.has(at) ? "module" : "indicator", row: group.row };
    const rowsOfItem = itemRows.get(at);
    if (!rowsOfItem) return { level: "framework", row: headRow.row };
    const repeat = key === "duplicateCode" ? (duplicatesSeen.get(at) ?? 0) + 1 : 0;
    if (repeat) duplicatesSeen.set(at, repeat);
    return { level: "item", row: rowsOfItem[Math.min(repeat, rowsOfItem.length - 1)]! };
  };
  return {
    ok: false,
    problems: sortProblems(
      result.problems.map((problem) => {
        // A rule's problem points at its row of the rules sheet.
        const ruleRow =
          !modules.has(problem.at) && !indicators.has(problem.at) && !itemRows.has(problem.at)
            ? ruleRows.get(problem.at)
            : undefined;
        if (ruleRow !== undefined)
          return {
            ...problem,
            sheet: RULES_SHEET,
            row: ruleRow,
            column: problem.key === "ruleInvalid" ? "expr" : columnOfRule(problem),
          };
        const { level, row } = place(problem.at, problem.key);
        const field = problem.key === "invalidShape" ? String(problem.params?.field ?? "") : FIELD_OF_KEY[problem.key];
        const column = columnOf(level, field);
        return {
          ...problem,
          sheet: level === "framework" ? FRAMEWORK_SHEET : ITEMS_SHEET,
          row,
          ...(column ? { column } : {}),
        };
      }),
    ),
  };
}
