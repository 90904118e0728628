/**
 * A module's questionnaire as a workbook to fill in offline (Excel 填报表): one row per item with what it asks,
 * the city's current answer and its revision; the city fills the value, "not applicable" and reason columns and
 * uploads the workbook again. Reading one back gives, per item, what it proposes (validated by the same schema as
 * the questionnaire) or each problem with its row and column; `planWorkbookImport` compares that with the stored
 * answers. Evidence is not part of it: files go through uploads or the evidence library.
 */
import ExcelJS from "exceljs";
import type { Item } from "@/lib/framework/item";
import { cellScalar } from "@/lib/spreadsheet-cell";
import { answerSchemaFor } from "./answer-schema";

/** The sheet the city fills in, and the hidden one holding the drop-down lists and what the workbook is for. */
const SHEET = "questionnaire";
const LISTS_SHEET = "lists";

export type WorkbookItem = Pick<
  Item,
  "code" | "nameZh" | "nameEn" | "answerType" | "unitZh" | "unitEn" | "options" | "minValue" | "maxValue" | "decimals"
>;
export type StoredAnswer = {
  value: unknown;
  notApplicableReason: string | null;
  revision: number;
  /** copied from last round and not yet checked (db/prefill.ts): said in the workbook, checked on the platform */
  prefilled?: boolean;
};

/** The column headers and words of the workbook, in the reader's language (messages: questionnaire.workbook). */
export type WorkbookLabels = {
  code: string;
  name: string;
  unit: string;
  limits: string;
  value: string;
  notApplicable: string;
  reason: string;
  revision: string;
  yes: string;
  no: string;
  /** how a number item's limits read, e.g. "0–100，最多 2 位小数" */
  numberLimits: (item: WorkbookItem) => string;
  /** the hint of a multiple-choice item's value cell */
  multiHint: string;
  /** what a yes/no, a link and a text item take */
  booleanLimits: string;
  urlLimits: string;
  textLimits: string;
  /** added to the "what to enter" of a value copied from last round and not yet checked */
  prefilledNote?: string;
};

/** What a workbook is for: checked when it comes back, so that another module's or city's is refused. */
export type WorkbookTarget = { roundId: number; cityCode: string; moduleCode: string };

const COLUMN = {
  code: 1,
  name: 2,
  unit: 3,
  limits: 4,
  value: 5,
  notApplicable: 6,
  reason: 7,
  revision: 8,
  downloaded: 9,
} as const;
const LETTER = { value: "E", notApplicable: "F", reason: "G" } as const;

const label = (option: { label: { zh: string; en: string } }, locale: string) =>
  locale === "en" ? option.label.en : option.label.zh;

/** A stored value as the city reads and types it in a cell. */
function cellValue(item: WorkbookItem, value: unknown, labels: WorkbookLabels, locale: string): ExcelJS.CellValue {
  if (value === null || value === undefined) return null;
  switch (item.answerType) {
    case "number":
      return typeof value === "number" ? value : String(value);
    case "boolean":
      return value === true ? labels.yes : value === false ? labels.no : String(value);
    case "single": {
      const option = item.options?.find((o) => o.value === value);
      return option ? label(option, locale) : String(value);
    }
    case "multi":
      return Array.isArray(value)
        ? value
            .map((v) => {
              const option = item.options?.find((o) => o.value === v);
              return option ? label(option, locale) : String(v);
            })
            .join("；")
        : String(value);
    default:
      return String(value);
  }
}

/** What an item takes, as the "what to enter" column says it. */
function limitsText(item: WorkbookItem, options: string[], labels: WorkbookLabels): string {
  switch (item.answerType) {
    case "number":
      return labels.numberLimits(item);
    case "boolean":
      return labels.booleanLimits;
    case "single":
      return options.join("；");
    case "multi":
      return `${options.join("；")}\n${labels.multiHint}`;
    case "url":
      return labels.urlLimits;
    case "text":
      return labels.textLimits;
  }
}

/** The workbook of a module for a city: its items in framework order, with the stored answers. */
export async function writeQuestionnaireWorkbook(input: {
  target: WorkbookTarget;
  title: string;
  items: WorkbookItem[];
  answers: Map<string, StoredAnswer>;
  labels: WorkbookLabels;
  locale: string;
  /** items the city cannot change now, with the reason as it reads in the "what to enter" column */
  lockedItems?: Map<string, string>;
}): Promise<Buffer> {
  const { items, answers, labels, locale } = input;
  const workbook = new ExcelJS.Workbook();
  workbook.title = input.title;
  const sheet = workbook.addWorksheet(SHEET, { views: [{ state: "frozen", ySplit: 1 }] });
  const lists = workbook.addWorksheet(LISTS_SHEET, { state: "veryHidden" });
  // What the workbook is for, in the hidden sheet's first row: refused if it comes back for another module or city.
  lists.addRow(["cityeval-questionnaire", 1, input.target.roundId, input.target.cityCode, input.target.moduleCode]);
  sheet.columns = [
    { header: labels.code, width: 10 },
    { header: labels.name, width: 36 },
    { header: labels.unit, width: 10 },
    { header: labels.limits, width: 34 },
    { header: labels.value, width: 28 },
    { header: labels.notApplicable, width: 12 },
    { header: labels.reason, width: 30 },
    { header: labels.revision, width: 8, hidden: true },
    { header: "", width: 8, hidden: true },
  ];
  sheet.getRow(1).font = { bold: true };
  const yesNo = `"${labels.yes},${labels.no}"`;
  items.forEach((item, i) => {
    const answer = answers.get(item.code);
    const options = item.options?.map((o) => label(o, locale)) ?? [];
    const row = sheet.addRow([
      item.code,
      locale === "en" ? item.nameEn : item.nameZh,
      (locale === "en" ? item.unitEn : item.unitZh) ?? "",
      answer?.prefilled && labels.prefilledNote
        ? `${limitsText(item, options, labels)}\n${labels.prefilledNote}`
        : limitsText(item, options, labels),
      answer?.notApplicableReason ? null : cellValue(item, answer?.value, labels, locale),
      answer?.notApplicableReason ? labels.yes : null,
      answer?.notApplicableReason ?? null,
      answer?.revision ?? 0,
      JSON.stringify({ value: answer?.value ?? null, notApplicableReason: answer?.notApplicableReason ?? null }),
    ]);
    row.alignment = { vertical: "top", wrapText: true };
    const lockedBecause = input.lockedItems?.get(item.code);
    if (lockedBecause) {
      // An item the city cannot change now (a returned module's item not queried): locked, greyed, and said why.
      row.getCell(COLUMN.limits).value = lockedBecause;
      for (const column of [COLUMN.value, COLUMN.notApplicable, COLUMN.reason])
        row.getCell(column).fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFE2E8F0" } };
      return;
    }
    for (const column of [COLUMN.value, COLUMN.notApplicable, COLUMN.reason])
      row.getCell(column).protection = { locked: false };
    const value = row.getCell(COLUMN.value);
    // Text stays text: Excel would make "1-2" a date.
    if (item.answerType === "text" || item.answerType === "url") value.numFmt = "@";
    if (item.answerType === "boolean")
      value.dataValidation = { type: "list", allowBlank: true, formulae: [yesNo], showErrorMessage: true };
    if (item.answerType === "single" && options.length) {
      // The options in the hidden sheet (a label may hold a comma), one row per item.
      const listRow = i + 2;
      options.forEach((text, k) => {
        lists.getRow(listRow).getCell(k + 1).value = text;
      });
      const last = lists.getRow(listRow).getCell(options.length).address;
      value.dataValidation = {
        type: "list",
        allowBlank: true,
        formulae: [`${LISTS_SHEET}!$A$${listRow}:$${last.replace(/\d+$/, "")}$${listRow}`],
        showErrorMessage: true,
      };
    }
    row.getCell(COLUMN.notApplicable).dataValidation = {
      type: "list",
      allowBlank: true,
      formulae: [`"${labels.yes},${labels.no}"`],
      showErrorMessage: true,
    };
  });
  // The structure (codes, names, limits, rows) cannot be edited; the value, N/A and reason cells can.
  await sheet.protect("", { selectLockedCells: true, selectUnlockedCells: true, formatColumns: true });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** `key` is a message of the "errors" namespace; `row` is the sheet's row number (header = 1), `column` a letter. */
export type WorkbookProblem = {
  row: number;
  column: string;
  key: string;
  params?: Record<string, string | number>;
  /** the item of the row, when it is one of the module's */
  code?: string;
};
/** What an uploaded workbook proposes for an item: an answer as the questionnaire saves it, based on a revision. */
export type ProposedAnswer = {
  code: string;
  row: number;
  value: unknown;
  notApplicableReason: string | null;
  baseRevision: number;
  /** the answer as it was when the workbook was downloaded: an item the city left as it was changes nothing */
  downloaded: { value: unknown; notApplicableReason: string | null } | null;
};

/** Rows beyond the header and the items that a workbook may hold (notes a city adds below the table, say). */
const EXTRA_ROWS = 50;

export class WorkbookFileError extends Error {
  constructor(public readonly reason: "workbookUnreadable" | "workbookNotForThisModule" | "workbookTooManyRows") {
    super(reason);
  }
}

/** A cell as text ("" for empty), as lib/spreadsheet-cell.ts reads any cell. */
function text(cell: ExcelJS.Cell): string {
  const value = cellScalar(cell.value);
  return value === undefined ? "" : String(value);
}

const normalise = (s: string) => s.normalize("NFKC").trim().toLowerCase();
const YES = new Set(["是", "yes", "y", "true"].map(normalise));
const NO = new Set(["否", "no", "n", "false"].map(normalise));

/** The answer the workbook was downloaded with (its hidden column), or null when it is missing or unreadable. */
function downloadedAnswer(json: string): { value: unknown; notApplicableReason: string | null } | null {
  try {
    const parsed = JSON.parse(json) as { value?: unknown; notApplicableReason?: unknown };
    return {
      value: parsed.value ?? null,
      notApplicableReason: typeof parsed.notApplicableReason === "string" ? parsed.notApplicableReason : null,
    };
  } catch {
    return null;
  }
}

/** A typed cell as the questionnaire's input: what the city would have typed or chosen there. */
function rawInput(item: WorkbookItem, cell: ExcelJS.Cell, labels: WorkbookLabels): unknown {
  const typed = text(cell);
  if (typed === "") return null;
  const byText = (t: string) =>
    item.options?.find((o) => [o.value, o.label.zh, o.label.en].some((x) => normalise(x) === normalise(t)))?.value;
  switch (item.answerType) {
    case "number": {
      const shown = cellScalar(cell.value);
      if (typeof shown !== "number") return typed;
      // "45%" typed in Excel is stored as 0.45 in a percent format: what the city meant is 45.
      const value = cell.numFmt?.includes("%") ? shown * 100 : shown;
      // As Excel shows it (15 significant digits): =0.1+0.2 is 0.3, not 0.30000000000000004.
      return Number(value.toPrecision(15));
    }
    case "boolean": {
      const t = normalise(typed);
      if ([labels.yes, "是", "yes", "true", "y"].map(normalise).includes(t)) return true;
      if ([labels.no, "否", "no", "false", "n"].map(normalise).includes(t)) return false;
      return typed;
    }
    case "single":
      return byText(typed) ?? typed;
    case "multi": {
      // As written (one separator, "；" or a line break), whole labels first: a label may hold a comma.
      const split = (pattern: RegExp) =>
        typed
          .split(pattern)
          .map((t) => t.trim())
          .filter(Boolean);
      const written = split(/[；\n]/);
      const parts = written.every((t) => byText(t) !== undefined) ? written : split(/[;；,，、\n]/);
      return parts.map((t) => byText(t) ?? t);
    }
    default:
      return typed;
  }
}

/**
 * An uploaded workbook read against the module's items: per item, what it proposes, validated as the
 * questionnaire validates it; each problem with its row and column. A workbook for another round, city or
 * module is refused whole.
 */
export async function readQuestionnaireWorkbook(
  bytes: Uint8Array,
  target: WorkbookTarget,
  items: WorkbookItem[],
  labels: WorkbookLabels,
): Promise<{ proposed: ProposedAnswer[]; problems: WorkbookProblem[] }> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  } catch {
    throw new WorkbookFileError("workbookUnreadable");
  }
  const sheet = workbook.getWorksheet(SHEET);
  const marker = workbook.getWorksheet(LISTS_SHEET)?.getRow(1);
  if (!sheet || !marker) throw new WorkbookFileError("workbookUnreadable");
  const [kind, , roundId, cityCode, moduleCode] = [1, 2, 3, 4, 5].map((c) => text(marker.getCell(c)));
  if (
    kind !== "cityeval-questionnaire" ||
    roundId !== String(target.roundId) ||
    cityCode !== target.cityCode ||
    moduleCode !== target.moduleCode
  )
    throw new WorkbookFileError("workbookNotForThisModule");

  const problems: WorkbookProblem[] = [];
  const proposed: ProposedAnswer[] = [];
  const rowOf = new Map<string, number>();
  let rows = 0;
  // Only the rows that hold something: a stray cell a million rows down must not make a million rows.
  sheet.eachRow({ includeEmpty: false }, (row, r) => {
    rows++;
    if (r === 1 || rows > items.length + EXTRA_ROWS) return;
    const code = text(row.getCell(COLUMN.code));
    if (!code) return;
    if (rowOf.has(code)) problems.push({ row: r, column: "A", key: "workbookItemTwice", params: { code } });
    else rowOf.set(code, r);
  });
  if (rows > items.length + EXTRA_ROWS) throw new WorkbookFileError("workbookTooManyRows");
  const known = new Set(items.map((i) => i.code));
  for (const [code, row] of rowOf)
    if (!known.has(code)) problems.push({ row, column: "A", key: "workbookUnknownItem", params: { code } });
  for (const item of items) {
    const r = rowOf.get(item.code);
    if (r === undefined) {
      problems.push({ row: 0, column: "A", key: "workbookItemMissing", params: { code: item.code } });
      continue;
    }
    const row = sheet.getRow(r);
    const naText = normalise(text(row.getCell(COLUMN.notApplicable)));
    const notApplicable = naText !== "" && YES.has(naText);
    const reasonText = text(row.getCell(COLUMN.reason));
    if (!notApplicable && reasonText)
      problems.push({ row: r, column: LETTER.reason, key: "workbookReasonWithoutNotApplicable", code: item.code });
    if (naText !== "" && !notApplicable && !NO.has(naText))
      problems.push({
        row: r,
        column: LETTER.notApplicable,
        key: "workbookNotApplicableWord",
        params: { yes: labels.yes },
        code: item.code,
      });
    const revision = Number(text(row.getCell(COLUMN.revision)) || "0");
    const parsed = answerSchemaFor(item).safeParse({
      value: rawInput(item, row.getCell(COLUMN.value), labels),
      notApplicable,
      notApplicableReason: reasonText,
    });
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push({
          row: r,
          column: issue.path[0] === "notApplicableReason" ? LETTER.reason : LETTER.value,
          key: issue.message,
          code: item.code,
        });
      continue;
    }
    proposed.push({
      code: item.code,
      row: r,
      value: parsed.data.value,
      notApplicableReason: parsed.data.notApplicableReason,
      baseRevision: Number.isInteger(revision) && revision >= 0 ? revision : 0,
      downloaded: downloadedAnswer(text(row.getCell(COLUMN.downloaded))),
    });
  }
  return { proposed, problems };
}

export type ImportLine =
  | { code: string; row: number; status: "unchanged" }
  | { code: string; row: number; status: "changed"; from: StoredAnswer | null; to: ProposedAnswer }
  /** changed in the workbook, and on the platform since it was downloaded: not applied */
  | { code: string; row: number; status: "conflict"; current: StoredAnswer; to: ProposedAnswer }
  /** changed in the workbook, but the item cannot be changed now (its module submitted, the item locked) */
  | { code: string; row: number; status: "locked"; reason: string; to: ProposedAnswer };

const same = (a: { value: unknown; notApplicableReason: string | null } | null | undefined, b: ProposedAnswer) =>
  JSON.stringify(a?.value ?? null) === JSON.stringify(b.value ?? null) &&
  (a?.notApplicableReason ?? null) === b.notApplicableReason;

/**
 * Per item, what applying the workbook would do, against the stored answers and whether each item can be changed
 * now (null, or the refusal's error key): unchanged, changed from → to, a conflict (changed on the platform since
 * the download, by its revision), or locked.
 */
export function planWorkbookImport(
  proposed: ProposedAnswer[],
  stored: Map<string, StoredAnswer>,
  refusalOf: (code: string) => string | null,
): ImportLine[] {
  return proposed.map((to): ImportLine => {
    const current = stored.get(to.code) ?? null;
    if (same(current, to)) return { code: to.code, row: to.row, status: "unchanged" };
    if ((current?.revision ?? 0) !== to.baseRevision) {
      // Changed on the platform since the download: a row the city left as it was keeps the newer value.
      if (to.downloaded && same(to.downloaded, to)) return { code: to.code, row: to.row, status: "unchanged" };
      return {
        code: to.code,
        row: to.row,
        status: "conflict",
        current: current ?? { value: null, notApplicableReason: null, revision: 0 },
        to,
      };
    }
    const refusal = refusalOf(to.code);
    if (refusal) return { code: to.code, row: to.row, status: "locked", reason: refusal, to };
    return { code: to.code, row: to.row, status: "changed", from: current, to };
  });
}
