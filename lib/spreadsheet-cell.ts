/** What a spreadsheet cell holds, as one plain value, whatever Excel made of it (the one reading of a cell). */
import type ExcelJS from "exceljs";

export type CellScalar = string | number | boolean;

/**
 * A cell's value: text (line breaks normalised, trimmed), a number or a boolean; undefined when empty. Rich text,
 * formulas (their result) and hyperlinks give what they show; a date gives its day; an error (#N/A) or an
 * impossible date gives its code, to be reported as a bad value rather than read as blank.
 */
export function cellScalar(value: ExcelJS.CellValue): CellScalar | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "string") return value.replace(/\r\n?/g, "\n").trim() || undefined;
  if (typeof value === "number" || typeof value === "boolean") return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "#DATE!" : value.toISOString().slice(0, 10);
  if ("richText" in value) return cellScalar(value.richText.map((run) => run.text).join(""));
  if ("formula" in value || "sharedFormula" in value) return cellScalar((value.result ?? null) as ExcelJS.CellValue);
  if ("hyperlink" in value) return cellScalar(value.text);
  if ("error" in value) return String(value.error);
  return undefined;
}
