/**
 * CSV files for spreadsheets: UTF-8 with a BOM (so that Excel keeps Chinese text intact), and every text cell
 * that a spreadsheet would run as a formula neutralised (OWASP "CSV injection"): a cell starting with
 * `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe, which spreadsheets show as text.
 */
import type ExcelJS from "exceljs";

const FORMULA_START = /^[=+\-@\t\r]/;

export function neutraliseFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** The inverse, for CSV files that come back (a city template edited and uploaded again). */
export function restoreNeutralised(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}

function cellText(value: unknown): unknown {
  if (typeof value === "string") return neutraliseFormula(value);
  if (value === null || value === undefined) return "";
  return value;
}

/** One sheet of the workbook (the first if none is named) as a CSV file. */
export async function sheetToCsv(workbook: ExcelJS.Workbook, sheetName?: string): Promise<Buffer<ArrayBuffer>> {
  const body = await workbook.csv.writeBuffer({ sheetName, map: cellText } as Parameters<
    typeof workbook.csv.writeBuffer
  >[0]);
  return Buffer.concat([Buffer.from("\uFEFF"), Buffer.from(body)]);
}
