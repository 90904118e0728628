import fs from "node:fs";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import type { FrameworkFile } from "./schema";
import { validateFramework } from "./validate";
import { FRAMEWORK_SHEET, ITEMS_SHEET, RULES_SHEET, UnreadableWorkbookError, type WorkbookProblem } from "./workbook";
import { workbookToFramework } from "./workbook-read";
import { frameworkToWorkbook } from "./workbook-write";

const parsed2019 = validateFramework(JSON.parse(fs.readFileSync("data/frameworks/2019.json", "utf8")));
if (!parsed2019.ok) throw new Error("the 2019 framework must be valid");
const framework2019: FrameworkFile = parsed2019.framework;

/** The column number of a header in row 1 of a sheet. */
function columnNumber(sheet: ExcelJS.Worksheet, header: string): number {
  let found = 0;
  sheet.getRow(1).eachCell((cell, col) => {
    if (cell.value === header) found = col;
  });
  if (!found) throw new Error(`no column ${header}`);
  return found;
}

/** The 2019 workbook, with helpers to address its cells by header and its rows by code. */
function workbook2019() {
  const workbook = frameworkToWorkbook(framework2019);
  const items = workbook.getWorksheet(ITEMS_SHEET)!;
  const head = workbook.getWorksheet(FRAMEWORK_SHEET)!;
  const cell = (row: number, header: string, sheet = items) => sheet.getRow(row).getCell(columnNumber(sheet, header));
  /** the first row whose `header` column holds `code` */
  const rowOf = (code: string, header = "item_code") => {
    for (let row = 2; row <= items.rowCount; row++) if (cell(row, header).value === code) return row;
    throw new Error(`no row ${header} = ${code}`);
  };
  return { workbook, items, head, cell, rowOf };
}

async function read(workbook: ExcelJS.Workbook) {
  return workbookToFramework(Buffer.from(await workbook.xlsx.writeBuffer()));
}

async function problemsOf(workbook: ExcelJS.Workbook): Promise<WorkbookProblem[]> {
  const result = await read(workbook);
  if (result.ok) throw new Error("expected the workbook to be refused");
  return result.problems;
}

describe("frameworkToWorkbook", () => {
  it("writes the head sheet and one row per item, with a bold, frozen header", () => {
    const { head, items } = workbook2019();
    expect(head.getRow(2).values).toEqual([undefined, 2019, framework2019.name.zh, framework2019.name.en, 100]);
    expect(items.rowCount).toBe(1 + 58);
    for (const sheet of [head, items]) {
      expect(sheet.getRow(1).font).toMatchObject({ bold: true });
      expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    }
    expect(items.getRow(1).values).toEqual([
      undefined,
      "module_code",
      "module_name_zh",
      "module_name_en",
      "module_points",
      "indicator_code",
      "indicator_name_zh",
      "indicator_name_en",
      "indicator_points",
      "indicator_proposed",
      "item_code",
      "item_name_zh",
      "item_name_en",
      "type",
      "unit_zh",
      "unit_en",
      "options",
      "min",
      "max",
      "decimals",
      "required",
      "rule",
      "rule_params",
      "points",
      "evidence_kinds",
      "evidence_required",
      "help_zh",
      "help_en",
    ]);
  });

  it("encodes options, rule parameters, evidence kinds and yes/no as readable text", () => {
    const { cell, rowOf } = workbook2019();
    expect(cell(rowOf("B1.1"), "rule_params").value).toBe(">= 10 → 1\n>= 5 → 0.75\n>= 1 → 0.5\n> 0 → 0.25");
    expect(cell(rowOf("B1.1"), "evidence_kinds").value).toBe("DOC, SG");
    expect(cell(rowOf("B1.2"), "rule_params").value).toBe("lo=60; hi=100");
    expect(cell(rowOf("B2.3"), "options").value).toBe(
      "iaas | 仅IaaS | IaaS only\npaas | IaaS+PaaS | IaaS + PaaS\nshared | IaaS+PaaS+共性组件 | IaaS + PaaS + shared components",
    );
    expect(cell(rowOf("B2.3"), "rule_params").value).toBe("iaas = 0.3\npaas = 0.7\nshared = 1");
    expect(cell(rowOf("B3.2"), "rule_params").value).toBe("each=0.3");
    expect(cell(rowOf("B2.1"), "rule_params").value).toBeNull();
    expect(cell(rowOf("B1.1"), "required").value).toBe("yes");
    expect(cell(rowOf("G4.3"), "evidence_required").value).toBe("no");
  });
});

describe("workbookToFramework", () => {
  it("reads the 2019 workbook back into the same, valid framework", async () => {
    const result = await read(workbook2019().workbook);
    expect(result).toStrictEqual({ ok: true, framework: framework2019 });
    expect(framework2019.rules.length).toBeGreaterThan(0);
  });

  it("type-checks the validation rules of its Rules sheet, pointing at the row and column of a wrong one", async () => {
    const { workbook, cell } = workbook2019();
    const rules = workbook.getWorksheet(RULES_SHEET)!;
    cell(3, "expr", rules).value = "G1.3 >= X9.9";
    expect(await problemsOf(workbook)).toEqual([
      expect.objectContaining({
        sheet: RULES_SHEET,
        row: 3,
        column: "expr",
        key: "ruleInvalid",
        params: { problem: "unknownItem", code: "X9.9" },
      }),
    ]);
    // A workbook without the sheet has no rules.
    workbook.removeWorksheet(rules.id);
    expect(await read(workbook)).toMatchObject({ ok: true, framework: { rules: [] } });
  });

  it("skips blank rows, keeps Excel's row numbers and takes module and indicator columns from their first row", async () => {
    const { workbook, items, cell, rowOf } = workbook2019();
    // Later rows of a module or indicator may leave its columns blank.
    for (const header of ["module_name_zh", "module_name_en", "module_points", "indicator_name_en", "indicator_points"])
      cell(rowOf("B1.2"), header).value = null;
    const before = rowOf("B2.1");
    items.insertRow(4, []);
    items.insertRow(4, ["  ", "", null]);
    items.addRow([]);
    items.getRow(items.rowCount + 2).getCell(1).value = " ";
    expect(await read(workbook)).toStrictEqual({ ok: true, framework: framework2019 });

    // Two rows were inserted above B2.1: a problem names the row Excel now shows.
    expect(rowOf("B2.1")).toBe(before + 2);
    cell(before + 2, "points").value = "1,5";
    expect(await problemsOf(workbook)).toEqual([
      {
        at: "B2.1",
        sheet: ITEMS_SHEET,
        row: before + 2,
        column: "points",
        key: "notANumber",
        params: { column: "points", value: "1,5" },
      },
    ]);
  });

  it("lists every reading problem with its row and column: a wrong number, an unknown rule, conflicting module points", async () => {
    const { workbook, cell, rowOf } = workbook2019();
    cell(rowOf("B1.2"), "max").value = "100%";
    cell(rowOf("B2.1"), "rule").value = "stepwise";
    cell(rowOf("B3.2"), "module_points").value = 30;
    cell(rowOf("G1.1"), "indicator_proposed").value = "maybe";
    const problems = await problemsOf(workbook);
    expect(problems).toEqual([
      {
        at: "B1.2",
        sheet: ITEMS_SHEET,
        row: 3,
        column: "max",
        key: "notANumber",
        params: { column: "max", value: "100%" },
      },
      expect.objectContaining({
        at: "B2.1",
        row: rowOf("B2.1"),
        column: "rule",
        key: "unknownRule",
        params: expect.objectContaining({ value: "stepwise" }),
      }),
      {
        at: "B",
        sheet: ITEMS_SHEET,
        row: rowOf("B3.2"),
        column: "module_points",
        key: "conflictingValue",
        params: { column: "module_points", code: "B", first: 2 },
      },
      expect.objectContaining({ at: "G1.1", row: rowOf("G1.1"), column: "indicator_proposed", key: "notABoolean" }),
    ]);
  });

  it("places every validation problem on the row of its code: items sum, rule parameters, duplicate code, total", async () => {
    const { workbook, head, cell, rowOf } = workbook2019();
    cell(rowOf("G2.2"), "points").value = 9; // G2's items no longer add up to G2's points
    cell(rowOf("B1.2"), "rule_params").value = "lo=100; hi=60";
    cell(rowOf("B3.2"), "item_code").value = "B3.1";
    cell(2, "total", head).value = 99;
    const problems = await problemsOf(workbook);
    expect(problems.map(({ at, sheet, row, column, key }) => ({ at, sheet, row, column, key }))).toEqual([
      { at: "total", sheet: FRAMEWORK_SHEET, row: 2, column: "total", key: "modulesSum" },
      { at: "B1.2", sheet: ITEMS_SHEET, row: 3, column: "rule_params", key: "linearRange" },
      { at: "B3.1", sheet: ITEMS_SHEET, row: rowOf("B3.1") + 1, column: "item_code", key: "duplicateCode" },
      { at: "G2", sheet: ITEMS_SHEET, row: rowOf("G2", "indicator_code"), column: "indicator_points", key: "itemsSum" },
    ]);
    expect(problems.find((p) => p.key === "itemsSum")?.params).toMatchObject({
      expected: expect.any(Number),
      actual: expect.any(String),
    });
  });

  it("accepts 是/否, true/false, 1/0 and alternative band arrows; refuses bad options, parameters and evidence kinds", async () => {
    const { workbook, cell, rowOf } = workbook2019();
    cell(rowOf("B1.1"), "required").value = "是";
    cell(rowOf("B1.2"), "required").value = true;
    cell(rowOf("B2.1"), "evidence_required").value = 1;
    cell(rowOf("G4.3"), "evidence_required").value = "否";
    cell(rowOf("B1.1"), "rule_params").value = "≥ 10 -> 1\r\n>= 5 → 0.75\n\n>= 1 → 0.5\n> 0 → 0.25";
    expect(await read(workbook)).toStrictEqual({ ok: true, framework: framework2019 });

    cell(rowOf("B2.3"), "options").value =
      "iaas | 仅IaaS | IaaS only\npaas: IaaS+PaaS\nshared | IaaS+PaaS+共性组件 | IaaS + PaaS + shared components";
    cell(rowOf("B1.1"), "rule_params").value = ">= 10 → 1\nat least 5 → 0.75";
    cell(rowOf("B3.2"), "rule_params").value = "";
    cell(rowOf("B2.1"), "rule_params").value = "yes = 1";
    cell(rowOf("G4.3"), "evidence_kinds").value = "URL, PHOTO";
    const problems = await problemsOf(workbook);
    expect(problems.map(({ at, column, key, params }) => ({ at, column, key, value: params?.value }))).toEqual([
      { at: "B1.1", column: "rule_params", key: "badRuleParams", value: "at least 5 → 0.75" },
      { at: "B2.1", column: "rule_params", key: "unexpectedRuleParams", value: undefined },
      { at: "B2.3", column: "options", key: "badOptions", value: "paas: IaaS+PaaS" },
      { at: "B3.2", column: "rule_params", key: "missingValue", value: undefined },
      { at: "G4.3", column: "evidence_kinds", key: "unknownEvidenceKind", value: "PHOTO" },
    ]);
  });

  it("names a missing sheet and a missing column", async () => {
    const { workbook, items } = workbook2019();
    workbook.removeWorksheet(workbook.getWorksheet(FRAMEWORK_SHEET)!.id);
    items.getRow(1).getCell(columnNumber(items, "rule")).value = "scoring";
    expect(await problemsOf(workbook)).toEqual([
      { at: FRAMEWORK_SHEET, sheet: FRAMEWORK_SHEET, key: "missingSheet", params: { sheet: FRAMEWORK_SHEET } },
      { at: ITEMS_SHEET, sheet: ITEMS_SHEET, row: 1, column: "rule", key: "missingColumn", params: { column: "rule" } },
    ]);
  });

  it("reads only the rows the file holds: a stray cell at Excel's last row costs nothing", async () => {
    const { workbook, items } = workbook2019();
    items.getCell("AZ1048576").value = "stray";
    const result = await read(workbook);
    expect(result).toEqual({ ok: true, framework: framework2019 });
  });

  it("refuses an empty Items sheet and bytes that are no workbook", async () => {
    const { workbook, items } = workbook2019();
    for (let row = 2; row <= items.rowCount; row++) items.getRow(row).eachCell((cell) => (cell.value = null));
    expect(await problemsOf(workbook)).toEqual([{ at: ITEMS_SHEET, sheet: ITEMS_SHEET, row: 2, key: "noItems" }]);
    await expect(workbookToFramework(Buffer.from('{"year": 2019}'))).rejects.toBeInstanceOf(UnreadableWorkbookError);
  });
});
