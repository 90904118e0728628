import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { neutraliseFormula, restoreNeutralised, sheetToCsv } from "./csv";

const PAYLOADS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"];

describe("CSV files", () => {
  it("neutralise every text cell a spreadsheet would run as a formula, and nothing else", () => {
    for (const payload of PAYLOADS) expect(neutraliseFormula(payload)).toBe(`'${payload}`);
    for (const safe of ["杭州", "B4.1", "a=b", "2019-06-30", ""]) expect(neutraliseFormula(safe)).toBe(safe);
    for (const payload of PAYLOADS) expect(restoreNeutralised(neutraliseFormula(payload))).toBe(payload);
    expect(restoreNeutralised("'quoted")).toBe("'quoted");
  });

  it("write a BOM, keep numbers as numbers and neutralise payloads in every column", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("s");
    sheet.addRow(["name", "points", "note"]);
    sheet.addRow([PAYLOADS[0], -5, PAYLOADS[3]]);
    sheet.addRow(["杭州", 57.4, null]);
    const csv = (await sheetToCsv(workbook)).toString("utf8");
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const lines = csv.slice(1).trim().split(/\r?\n/);
    expect(lines[1]).toBe(`"'=HYPERLINK(""http://evil.example"",""x"")",-5,'@SUM(A1)`);
    expect(lines[2]).toBe("杭州,57.4");
  });
});
