import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { type ImportedCity, ImportFileError, previewImport, readTable } from "./import";

const HEADER = ["code", "name_zh", "name_en", "province_zh", "province_en", "region", "tier"];
const hangzhou: ImportedCity = {
  code: "hangzhou",
  nameZh: "杭州",
  nameEn: "Hangzhou",
  provinceZh: "浙江",
  provinceEn: "Zhejiang",
  region: "east",
  tier: "sub_provincial",
};
const wuhan: ImportedCity = {
  code: "wuhan",
  nameZh: "武汉",
  nameEn: "Wuhan",
  provinceZh: "湖北",
  provinceEn: "Hubei",
  region: "central",
  tier: "sub_provincial",
};
const rowOf = (c: ImportedCity) => [c.code, c.nameZh, c.nameEn, c.provinceZh, c.provinceEn, c.region, c.tier];

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ImportFileError) return error.reason;
    throw error;
  }
  return null;
}

describe("previewImport", () => {
  it("classifies each row as create, update (with the changed fields) or unchanged", () => {
    const preview = previewImport(
      [
        HEADER,
        rowOf(hangzhou),
        rowOf({ ...wuhan, nameEn: "Wuhan City", tier: "prefecture" }),
        ["xiongan", "雄安", "Xiong'an", "河北", "Hebei", "north", "prefecture"],
      ],
      [hangzhou, wuhan],
    );
    expect(preview.problems).toEqual([]);
    expect(preview.rows.map((r) => [r.row, r.city.code, r.status])).toEqual([
      [2, "hangzhou", "unchanged"],
      [3, "wuhan", "update"],
      [4, "xiongan", "create"],
    ]);
    expect(preview.rows[1]!.changes).toEqual([
      { field: "nameEn", from: "Wuhan", to: "Wuhan City" },
      { field: "tier", from: "sub_provincial", to: "prefecture" },
    ]);
    expect(preview.counts).toEqual({ create: 1, update: 1, unchanged: 1 });
  });

  it("accepts Chinese headers in any order, any case and spacing, and region/tier as values or labels in either language", () => {
    const preview = previewImport(
      [
        [" 城市类别", "区域", "省份（英文）", "省份(中文)", "英文名", "中文名", "代码", "备注"],
        ["副省级城市", "华中", "Hubei", "湖北", "Wuhan", "武汉", "wuhan", "a note"],
        ["Sub-provincial city", "East China", "Zhejiang", "浙江", "Hangzhou", "杭州", "hangzhou", ""],
      ],
      [],
    );
    expect(preview.problems).toEqual([]);
    expect(preview.rows.map((r) => r.city)).toEqual([wuhan, hangzhou]);
    expect(
      previewImport(
        [["Code", "Name ZH", "nameEn", "PROVINCE_ZH", "province-en", "Region", "Tier"], rowOf(hangzhou)],
        [],
      ).rows,
    ).toHaveLength(1);
  });

  it("lists missing and repeated headers on row 1 and reads no rows then", () => {
    const preview = previewImport(
      [
        ["code", "代码", "name_zh", "name_en", "province_zh", "region"],
        ["hangzhou", "hangzhou", "杭州", "Hangzhou", "浙江", "east"],
      ],
      [],
    );
    expect(preview.rows).toEqual([]);
    expect(preview.problems).toEqual([
      { row: 1, column: "代码", key: "importColumnDuplicate" },
      { row: 1, column: "province_en", key: "importColumnMissing" },
      { row: 1, column: "tier", key: "importColumnMissing" },
    ]);
    expect(previewImport([], []).problems).toHaveLength(7);
  });

  it("gives every problem its spreadsheet row and column, skips empty rows, and refuses a code repeated in the file", () => {
    const preview = previewImport(
      [
        HEADER,
        rowOf(hangzhou),
        ["", " ", "", "", "", "", ""],
        ["Bad Code", "", "Somewhere", "某省", "Some", "mars", "prefecture"],
        [],
        rowOf({ ...hangzhou, nameEn: "Hangzhou again" }),
        rowOf(wuhan),
      ],
      [],
    );
    expect(preview.problems).toEqual([
      { row: 4, column: "code", key: "cityCodeInvalid" },
      { row: 4, column: "name_zh", key: "required" },
      { row: 4, column: "region", key: "chooseOne" },
      { row: 6, column: "code", key: "importCodeDuplicate", params: { code: "hangzhou", row: 2 } },
    ]);
    expect(preview.rows.map((r) => [r.row, r.city.code])).toEqual([
      [2, "hangzhou"],
      [7, "wuhan"],
    ]);
  });
});

describe("readTable", () => {
  const csv = `${HEADER.join(",")}\r\n"0571",杭州,"Hangzhou, ZJ",浙江,Zhejiang,east,2019-01-01\r\n\r\nwuhan,武汉,Wuhan,湖北,Hubei,central,sub_provincial\r\n`;

  it("reads a UTF-8 CSV with or without BOM, keeping every cell as written and row numbers as Excel shows them", async () => {
    for (const bytes of [Buffer.from(csv), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)])]) {
      const table = await readTable(bytes);
      expect(table[0]).toEqual(HEADER);
      expect(table[1]).toEqual(["0571", "杭州", "Hangzhou, ZJ", "浙江", "Zhejiang", "east", "2019-01-01"]);
      expect(table[2]?.every((cell) => cell === "") ?? true).toBe(true); // an empty line holds nothing
      expect(table[3]![0]).toBe("wuhan");
    }
  });

  it("reads back a template whose formula-like cells were neutralised on export", async () => {
    const table = await readTable(
      Buffer.from(`${HEADER.join(",")}\r\nx,"'=HYPERLINK(""http://e.example"")",'+1,浙江,Zhejiang,east,prefecture\r\n`),
    );
    expect(table[1]!.slice(0, 3)).toEqual(["x", '=HYPERLINK("http://e.example")', "+1"]);
  });

  it("reads the first sheet of an .xlsx file, numbers and formulas as their text", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("cities");
    sheet.addRow(HEADER);
    sheet.addRow(rowOf(hangzhou));
    sheet.getCell("A4").value = 42;
    sheet.getCell("B4").value = { formula: "1+1", result: 2 };
    workbook.addWorksheet("notes").addRow(["ignored"]);
    const table = await readTable(Buffer.from(await workbook.xlsx.writeBuffer()));
    expect(table[0]).toEqual(HEADER);
    expect(table[1]).toEqual(rowOf(hangzhou));
    expect(2 in table).toBe(false);
    expect(table[3]).toEqual(["42", "2"]);
  });

  it("reads only the rows a workbook holds, however far down a stray cell sits", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("cities");
    sheet.addRow(HEADER);
    sheet.addRow(rowOf(hangzhou));
    sheet.getCell("H1048576").value = "stray";
    const table = await readTable(Buffer.from(await workbook.xlsx.writeBuffer()));
    expect(Object.keys(table)).toEqual(["0", "1", "1048575"]);
    expect(previewImport(table, []).rows.map((r) => r.row)).toEqual([2]);
  });

  it("refuses other file types, CSV in another encoding, and a damaged workbook", async () => {
    expect(await refusal(readTable(Buffer.from("%PDF-1.7\n1 0 obj\n")))).toBe("importFileType");
    expect(await refusal(readTable(Buffer.from([0x63, 0x6f, 0x64, 0x65, 0x0a, 0xba, 0xbc, 0xd6, 0xdd])))).toBe(
      "importNotUtf8",
    ); // "code\n杭州" in GBK
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet("cities").addRow(HEADER);
    const xlsx = Buffer.from(await workbook.xlsx.writeBuffer());
    expect(await refusal(readTable(xlsx.subarray(0, Math.floor(xlsx.length * 0.8))))).toBe("importUnreadable");
  });
});
