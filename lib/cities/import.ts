import { Readable } from "node:stream";
import ExcelJS from "exceljs";
import { fileTypeFromBuffer } from "file-type";
import { restoreNeutralised } from "@/lib/csv";
import { CITY_TIERS, REGIONS } from "@/lib/domain";
import en from "@/messages/en.json";
import zh from "@/messages/zh-CN.json";
import { type CitySeed, citySchema } from "./schema";

/** A city as a file row describes it; `confirmed` is not a column, so an import never changes it. */
export type ImportedCity = Omit<CitySeed, "confirmed">;
export type CityField = keyof ImportedCity;
export type ImportStatus = "create" | "update" | "unchanged";
export type FieldChange = { field: CityField; from: string; to: string };
export type ImportRow = { row: number; city: ImportedCity; status: ImportStatus; changes: FieldChange[] };
/** `key` is a message of the "errors" namespace; `row` is the spreadsheet's row number (header = 1). */
export type ImportProblem = { row: number; column: string; key: string; params?: Record<string, string | number> };
export type ImportPreview = { rows: ImportRow[]; problems: ImportProblem[]; counts: Record<ImportStatus, number> };

/**
 * The columns of an import file: the header the template writes, then the other headers accepted for it
 * (the page lists them). Headers are compared after `normalise`, so "Name ZH", "nameZh" and "省份（中文）" match.
 */
export const IMPORT_COLUMNS: readonly { field: CityField; header: string; aliases: readonly string[] }[] = [
  { field: "code", header: "code", aliases: ["代码", "城市代码", "代码（小写拼音）"] },
  { field: "nameZh", header: "name_zh", aliases: ["中文名", "中文名称"] },
  { field: "nameEn", header: "name_en", aliases: ["英文名", "英文名称"] },
  { field: "provinceZh", header: "province_zh", aliases: ["省份（中文）", "省份"] },
  { field: "provinceEn", header: "province_en", aliases: ["省份（英文）"] },
  { field: "region", header: "region", aliases: ["区域", "地区"] },
  { field: "tier", header: "tier", aliases: ["城市类别", "城市类型"] },
];

const importRowSchema = citySchema.omit({ confirmed: true });
const EDITABLE_FIELDS = ["nameZh", "nameEn", "provinceZh", "provinceEn", "region", "tier"] as const;

/** NFKC turns full-width brackets into ASCII ones; separators and case vary between hand-made files. */
function normalise(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s_-]+/g, "");
}

const FIELD_BY_HEADER = new Map(
  IMPORT_COLUMNS.flatMap(({ field, header, aliases }) =>
    [header, field, ...aliases].map((h) => [normalise(h), field] as const),
  ),
);

/** Enum values and their labels in both languages, so a file may say "east", "华东" or "East China". */
function valueLookup<V extends string>(values: readonly V[], labels: Record<V, string>[]): Map<string, V> {
  return new Map(
    values.flatMap((value) => [value, ...labels.map((l) => l[value])].map((text) => [normalise(text), value] as const)),
  );
}
const REGION_BY_TEXT = valueLookup(REGIONS, [zh.regions, en.regions]);
const TIER_BY_TEXT = valueLookup(CITY_TIERS, [zh.tiers, en.tiers]);

/** The fields of `next` that differ from `current`. */
export function cityChanges(current: ImportedCity, next: ImportedCity): FieldChange[] {
  return EDITABLE_FIELDS.filter((field) => current[field] !== next[field]).map((field) => ({
    field,
    from: current[field],
    to: next[field],
  }));
}

/**
 * Reads a table (row i of the array is spreadsheet row i + 1, the first is the header) into a preview:
 * every problem with its row and column, and each valid row classified against the existing cities.
 */
export function previewImport(table: readonly (readonly string[])[], existing: readonly ImportedCity[]): ImportPreview {
  const problems: ImportProblem[] = [];
  const header = table[0] ?? [];
  const columnOf = new Map<CityField, { index: number; name: string }>();
  header.forEach((text, index) => {
    const field = FIELD_BY_HEADER.get(normalise(text));
    if (!field) return; // extra columns (notes, say) are allowed and ignored
    if (columnOf.has(field)) problems.push({ row: 1, column: text.trim(), key: "importColumnDuplicate" });
    else columnOf.set(field, { index, name: text.trim() });
  });
  const missing = IMPORT_COLUMNS.filter(({ field }) => !columnOf.has(field));
  for (const { header: name } of missing) problems.push({ row: 1, column: name, key: "importColumnMissing" });
  if (problems.length) return { rows: [], problems, counts: { create: 0, update: 0, unchanged: 0 } };

  const column = (field: CityField) => columnOf.get(field)!;
  const byCode = new Map(existing.map((city) => [city.code, city]));
  const firstRowOfCode = new Map<string, number>();
  const rows: ImportRow[] = [];
  table.slice(1).forEach((cells, index) => {
    const row = index + 2;
    if (cells.every((cell) => cell.trim() === "")) return;
    const cell = (field: CityField) => (cells[column(field).index] ?? "").trim();
    const parsed = importRowSchema.safeParse({
      code: cell("code"),
      nameZh: cell("nameZh"),
      nameEn: cell("nameEn"),
      provinceZh: cell("provinceZh"),
      provinceEn: cell("provinceEn"),
      region: REGION_BY_TEXT.get(normalise(cell("region"))) ?? cell("region"),
      tier: TIER_BY_TEXT.get(normalise(cell("tier"))) ?? cell("tier"),
    });
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push({ row, column: column(issue.path[0] as CityField).name, key: issue.message });
      return;
    }
    const city = parsed.data;
    const firstRow = firstRowOfCode.get(city.code);
    if (firstRow) {
      problems.push({
        row,
        column: column("code").name,
        key: "importCodeDuplicate",
        params: { code: city.code, row: firstRow },
      });
      return;
    }
    firstRowOfCode.set(city.code, row);
    const current = byCode.get(city.code);
    const changes = current ? cityChanges(current, city) : [];
    rows.push({ row, city, status: !current ? "create" : changes.length ? "update" : "unchanged", changes });
  });
  const counts = { create: 0, update: 0, unchanged: 0 };
  for (const { status } of rows) counts[status] += 1;
  return { rows, problems, counts };
}

export type ImportFileRefusal = "importFileType" | "importNotUtf8" | "importUnreadable";

export class ImportFileError extends Error {
  constructor(public readonly reason: ImportFileRefusal) {
    super(reason);
  }
}

/**
 * The first sheet of an .xlsx file, or a UTF-8 CSV (with or without BOM), as text cells; the type is told by
 * the content (an .xlsx is a ZIP with a workbook inside; a CSV has no magic bytes), never by the file name.
 */
export async function readTable(bytes: Uint8Array): Promise<string[][]> {
  const detected = await fileTypeFromBuffer(bytes);
  const workbook = new ExcelJS.Workbook();
  let sheet: ExcelJS.Worksheet | undefined;
  if (detected?.ext === "xlsx") {
    try {
      await workbook.xlsx.load(Buffer.from(bytes) as unknown as ExcelJS.Buffer);
    } catch {
      throw new ImportFileError("importUnreadable");
    }
    sheet = workbook.worksheets[0];
  } else if (!detected) {
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      throw new ImportFileError("importNotUtf8");
    }
    try {
      // Keep every cell as written (exceljs would otherwise turn "0571" into 571 and dates into Date objects),
      // undoing the apostrophe our own templates put before a formula-like cell.
      sheet = await workbook.csv.read(Readable.from([Buffer.from(bytes)]), {
        map: (datum: string) => restoreNeutralised(datum),
      });
    } catch {
      throw new ImportFileError("importUnreadable");
    }
  } else {
    throw new ImportFileError("importFileType");
  }
  if (!sheet) return [];
  // Sparse: only the rows the file holds (a stray cell far down must not build every empty row between);
  // the index is still the row number − 1, and previewImport's forEach skips the holes.
  const table: string[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row, r) => {
    table[r - 1] = Array.from({ length: row.cellCount }, (_, c) => row.getCell(c + 1).text);
  });
  return table;
}
