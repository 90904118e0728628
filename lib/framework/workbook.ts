/**
 * The framework file as an Excel workbook that organisers can edit: a "Framework" sheet (header row, then
 * one row: year, name_zh, name_en, total) and an "Items" sheet with one row per item. Each row repeats its
 * module and indicator; their names and points are taken from the first row that gives them, so later rows
 * may repeat or leave them blank, but never contradict them.
 *
 * Cells that hold more than a value use a text encoding that reads well in Excel (README, "Adding a framework year"):
 * - options: one per line `value | 中文 | English`;
 * - rule_params by rule: linear `lo=60; hi=100`; bands one per line `>= 10 → 1` (`->` and `≥` accepted);
 *   single one per line `value = 0.5`; multi `each=0.3`; boolean, url and none leave it blank;
 * - evidence_kinds: codes separated by commas (`DOC, SG`);
 * - yes/no columns: `yes`/`no` (是/否, true/false, 1/0 are accepted).
 *
 * Reading never stops at the first problem: every one is reported with its sheet, row (as Excel numbers it)
 * and column, then the framework is validated and each problem is placed on the row of its code.
 */
import { type FrameworkFile } from "./schema";
import { type FrameworkProblemKey } from "./validate";

export const FRAMEWORK_SHEET = "Framework";
export const ITEMS_SHEET = "Items";
/** validation rules (lib/validation/rules.ts), one per row; a workbook without the sheet has none */
export const RULES_SHEET = "Rules";
export const XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** Column header → display width in characters. */
export const FRAMEWORK_COLUMNS = { year: 8, name_zh: 40, name_en: 60, total: 8 } as const;
export const ITEM_COLUMNS = {
  module_code: 8,
  module_name_zh: 14,
  module_name_en: 22,
  module_points: 8,
  indicator_code: 8,
  indicator_name_zh: 18,
  indicator_name_en: 28,
  indicator_points: 8,
  indicator_proposed: 8,
  item_code: 8,
  item_name_zh: 26,
  item_name_en: 36,
  type: 8,
  unit_zh: 10,
  unit_en: 16,
  options: 40,
  min: 8,
  max: 8,
  decimals: 8,
  required: 8,
  rule: 8,
  rule_params: 18,
  points: 8,
  evidence_kinds: 12,
  evidence_required: 8,
  help_zh: 30,
  help_en: 40,
} as const;
export const RULE_COLUMNS = { code: 8, expr: 40, level: 8, message_zh: 50, message_en: 60 } as const;
export type FrameworkColumn = keyof typeof FRAMEWORK_COLUMNS;
export type RuleColumn = keyof typeof RULE_COLUMNS;
export type ItemColumn = keyof typeof ITEM_COLUMNS;
export type Column = FrameworkColumn | ItemColumn | RuleColumn;

export const SHEET_COLUMNS: Record<string, readonly Column[]> = {
  [FRAMEWORK_SHEET]: Object.keys(FRAMEWORK_COLUMNS) as FrameworkColumn[],
  [ITEMS_SHEET]: Object.keys(ITEM_COLUMNS) as ItemColumn[],
  [RULES_SHEET]: Object.keys(RULE_COLUMNS) as RuleColumn[],
};

export type WorkbookProblemKey =
  | "missingSheet"
  | "missingColumn"
  | "missingValue"
  | "notANumber"
  | "notABoolean"
  | "unknownType"
  | "unknownRule"
  | "unknownEvidenceKind"
  | "badOptions"
  | "badRuleParams"
  | "unexpectedRuleParams"
  | "conflictingValue"
  | "noItems";

export type WorkbookProblem = {
  /** the code of the module, indicator or item at fault, else the sheet (or validation's path) */
  at: string;
  sheet?: string;
  /** the row number Excel shows (the header is row 1) */
  row?: number;
  column?: string;
  /** a message of the "frameworkProblems" namespace */
  key: FrameworkProblemKey | WorkbookProblemKey;
  params?: Record<string, string | number>;
};

export type WorkbookResult = { ok: true; framework: FrameworkFile } | { ok: false; problems: WorkbookProblem[] };

/** The bytes are not an .xlsx workbook at all (as opposed to a workbook with problems). */
export class UnreadableWorkbookError extends Error {
  constructor() {
    super("unreadable workbook");
  }
}

// ---------------------------------------------------------------- writing
