import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import {
  planWorkbookImport,
  readQuestionnaireWorkbook,
  type StoredAnswer,
  WorkbookFileError,
  type WorkbookItem,
  type WorkbookLabels,
  writeQuestionnaireWorkbook,
} from "./workbook";

const item = (code: string, over: Partial<WorkbookItem>): WorkbookItem => ({
  code,
  nameZh: `指标${code}`,
  nameEn: `Item ${code}`,
  answerType: "number",
  unitZh: null,
  unitEn: null,
  options: null,
  minValue: null,
  maxValue: null,
  decimals: null,
  ...over,
});

const ITEMS: WorkbookItem[] = [
  item("Q1.1", { unitZh: "%", minValue: 0, maxValue: 100, decimals: 2 }),
  item("Q1.2", { answerType: "boolean" }),
  item("Q1.3", {
    answerType: "single",
    options: [
      { value: "none", label: { zh: "无", en: "None" } },
      { value: "built", label: { zh: "已建成，运行中", en: "Built" } },
    ],
  }),
  item("Q1.4", {
    answerType: "multi",
    options: [
      { value: "people", label: { zh: "人口", en: "Population" } },
      { value: "geo", label: { zh: "空间地理", en: "Geospatial" } },
    ],
  }),
  item("Q1.5", { answerType: "url" }),
  item("Q1.6", { answerType: "text" }),
];

const LABELS: WorkbookLabels = {
  code: "编码",
  name: "指标项",
  unit: "单位",
  limits: "取值要求",
  value: "填报值",
  notApplicable: "不适用",
  reason: "不适用原因",
  revision: "版本",
  yes: "是",
  no: "否",
  numberLimits: (i) => `${i.minValue ?? ""}–${i.maxValue ?? ""}`,
  multiHint: "多个选项用“；”分隔",
  booleanLimits: "是 / 否",
  urlLimits: "网址",
  textLimits: "文字",
};
const TARGET = { roundId: 7, cityCode: "suzhou", moduleCode: "Q" };

const STORED = new Map<string, StoredAnswer>([
  ["Q1.1", { value: 87.5, notApplicableReason: null, revision: 3 }],
  ["Q1.2", { value: true, notApplicableReason: null, revision: 1 }],
  ["Q1.3", { value: "built", notApplicableReason: null, revision: 1 }],
  ["Q1.4", { value: ["people", "geo"], notApplicableReason: null, revision: 2 }],
  ["Q1.6", { value: null, notApplicableReason: "本市未开展", revision: 1 }],
]);

const write = () =>
  writeQuestionnaireWorkbook({
    target: TARGET,
    title: "Q",
    items: ITEMS,
    answers: STORED,
    labels: LABELS,
    locale: "zh-CN",
  });

/** The workbook as the city edits it in Excel: `edit` changes the questionnaire sheet. */
async function edited(edit: (sheet: ExcelJS.Worksheet) => void) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await write()) as unknown as ArrayBuffer);
  edit(workbook.getWorksheet("questionnaire")!);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

describe("the questionnaire workbook", () => {
  it("reads back exactly what it was written with: every answer type, not applicable with its reason", async () => {
    const { proposed, problems } = await readQuestionnaireWorkbook(await write(), TARGET, ITEMS, LABELS);
    expect(problems).toEqual([]);
    const plan = planWorkbookImport(proposed, STORED, () => null);
    expect(plan.map((l) => l.status)).toEqual([
      "unchanged",
      "unchanged",
      "unchanged",
      "unchanged",
      "unchanged",
      "unchanged",
    ]);
    expect(proposed.find((p) => p.code === "Q1.1")).toMatchObject({ value: 87.5, baseRevision: 3, row: 2 });
  });

  it("is protected: codes and names locked, the value, not-applicable and reason cells open, lists to choose from", async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await write()) as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet("questionnaire")!;
    expect(sheet.getRow(1).values).toEqual([
      undefined,
      "编码",
      "指标项",
      "单位",
      "取值要求",
      "填报值",
      "不适用",
      "不适用原因",
      "版本",
      "",
    ]);
    expect(sheet.getCell("A2").protection?.locked).not.toBe(false);
    expect(["E2", "F2", "G2"].map((a) => sheet.getCell(a).protection?.locked)).toEqual([false, false, false]);
    expect(sheet.getCell("E3").dataValidation).toMatchObject({ type: "list", formulae: ['"是,否"'] });
    expect(sheet.getCell("E4").dataValidation).toMatchObject({ type: "list" });
    expect(sheet.getCell("E4").value).toBe("已建成，运行中");
    expect(sheet.getCell("E5").value).toBe("人口；空间地理");
    expect(sheet.getColumn(8).hidden).toBe(true);

    // A value copied from last round and not yet checked says so where the city reads what to enter.
    const prefilled = new Map(STORED).set("Q1.1", { ...STORED.get("Q1.1")!, prefilled: true });
    const marked = new ExcelJS.Workbook();
    await marked.xlsx.load(
      (await writeQuestionnaireWorkbook({
        target: TARGET,
        title: "Q",
        items: ITEMS,
        answers: prefilled,
        labels: { ...LABELS, prefilledNote: "（来自上一轮）" },
        locale: "zh-CN",
      })) as unknown as ArrayBuffer,
    );
    expect(String(marked.getWorksheet("questionnaire")!.getCell("D2").value)).toMatch(/来自上一轮/);
    expect(String(marked.getWorksheet("questionnaire")!.getCell("D3").value)).not.toMatch(/来自上一轮/);
  });

  it("takes labels or values, plans changed items from → to, and lists every problem with its row and column", async () => {
    const bytes = await edited((sheet) => {
      sheet.getCell("E2").value = 91.25; // changed
      sheet.getCell("E3").value = "否"; // changed
      sheet.getCell("E4").value = "无"; // a label
      sheet.getCell("E5").value = "空间地理, people"; // labels and values, another separator
      sheet.getCell("E6").value = "not a link"; // problem
      sheet.getCell("F7").value = "是"; // not applicable …
      sheet.getCell("G7").value = ""; // … without a reason: problem
    });
    const { proposed, problems } = await readQuestionnaireWorkbook(bytes, TARGET, ITEMS, LABELS);
    expect(problems).toEqual([
      { row: 6, column: "E", key: "urlInvalid", code: "Q1.5" },
      { row: 7, column: "G", key: "naReasonRequired", code: "Q1.6" },
    ]);
    const plan = planWorkbookImport(proposed, STORED, () => null);
    expect(plan).toEqual([
      expect.objectContaining({ code: "Q1.1", status: "changed", to: expect.objectContaining({ value: 91.25 }) }),
      expect.objectContaining({ code: "Q1.2", status: "changed", to: expect.objectContaining({ value: false }) }),
      expect.objectContaining({ code: "Q1.3", status: "changed", to: expect.objectContaining({ value: "none" }) }),
      // the framework's order, whatever order the cell gave them in
      expect.objectContaining({ code: "Q1.4", status: "unchanged" }),
    ]);
  });

  it("finds a change made on the platform since the download as a conflict, and a locked item as locked", async () => {
    const bytes = await edited((sheet) => {
      sheet.getCell("E2").value = 60;
      sheet.getCell("E3").value = "否";
    });
    const { proposed } = await readQuestionnaireWorkbook(bytes, TARGET, ITEMS, LABELS);
    const now = new Map(STORED);
    now.set("Q1.1", { value: 70, notApplicableReason: null, revision: 4 }); // saved by a colleague meanwhile
    const plan = planWorkbookImport(proposed, now, (code) => (code === "Q1.2" ? "itemLocked" : null));
    expect(plan.slice(0, 2)).toEqual([
      expect.objectContaining({ code: "Q1.1", status: "conflict", current: expect.objectContaining({ value: 70 }) }),
      expect.objectContaining({ code: "Q1.2", status: "locked", reason: "itemLocked" }),
    ]);
  });

  it("keeps a colleague's newer value for a row the city left as it was, and reads Excel's numbers as shown", async () => {
    const bytes = await edited((sheet) => {
      sheet.getCell("E2").value = 0.45; // "45%" typed in Excel …
      sheet.getCell("E2").numFmt = "0%"; // … is stored so
    });
    const { proposed, problems } = await readQuestionnaireWorkbook(bytes, TARGET, ITEMS, LABELS);
    expect(problems).toEqual([]);
    expect(proposed.find((p) => p.code === "Q1.1")?.value).toBe(45);
    // A colleague changed Q1.2 on the platform after the download; the workbook still has what was downloaded.
    const now = new Map(STORED);
    now.set("Q1.2", { value: false, notApplicableReason: null, revision: 2 });
    const plan = planWorkbookImport(proposed, now, () => null);
    expect(plan.find((l) => l.code === "Q1.2")?.status).toBe("unchanged");
    expect(plan.find((l) => l.code === "Q1.1")?.status).toBe("changed");

    const noisy = await edited((sheet) => {
      sheet.getCell("E2").value = { formula: "0.1+0.2", result: 0.30000000000000004 };
    });
    const read = await readQuestionnaireWorkbook(noisy, TARGET, ITEMS, LABELS);
    expect(read.problems).toEqual([]);
    expect(read.proposed.find((p) => p.code === "Q1.1")?.value).toBe(0.3);
  });

  it("reads an option whose label holds a comma, and says what is wrong with dates, errors and stray reasons", async () => {
    const items = ITEMS.map((i) =>
      i.code === "Q1.4"
        ? {
            ...i,
            options: [{ value: "people", label: { zh: "人口，法人", en: "People, firms" } }, ...i.options!.slice(1)],
          }
        : i,
    );
    const bytes = await writeQuestionnaireWorkbook({
      target: TARGET,
      title: "Q",
      items,
      answers: STORED,
      labels: LABELS,
      locale: "zh-CN",
    });
    const unchanged = await readQuestionnaireWorkbook(bytes, TARGET, items, LABELS);
    expect(unchanged.problems).toEqual([]);
    expect(unchanged.proposed.find((p) => p.code === "Q1.4")?.value).toEqual(["people", "geo"]);
    const odd = await edited((sheet) => {
      sheet.getCell("E2").value = new Date(Number.NaN); // a date no calendar has
      sheet.getCell("E6").value = { error: "#N/A" } as ExcelJS.CellErrorValue; // read as its code, not as blank
      sheet.getCell("G3").value = "写了原因"; // without "not applicable"
    });
    const read = await readQuestionnaireWorkbook(odd, TARGET, ITEMS, LABELS);
    expect(read.problems.map((p) => [p.row, p.column, p.key])).toEqual([
      [2, "E", "notANumber"],
      [3, "G", "workbookReasonWithoutNotApplicable"],
      [6, "E", "urlInvalid"],
    ]);
  });

  it("keeps the items the city cannot change locked, and refuses a sheet of many more rows than items", async () => {
    const locked = await writeQuestionnaireWorkbook({
      target: TARGET,
      title: "Q",
      items: ITEMS,
      answers: STORED,
      labels: LABELS,
      locale: "zh-CN",
      lockedItems: new Map([["Q1.2", "该项已通过评审并锁定"]]),
    });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(locked as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet("questionnaire")!;
    expect(sheet.getCell("E3").protection?.locked).not.toBe(false);
    expect(sheet.getCell("D3").value).toBe("该项已通过评审并锁定");
    expect(sheet.getCell("E2").protection?.locked).toBe(false);

    // A stray cell far down is one row, not a million.
    const stray = await edited((s) => {
      s.getCell("A1048576").value = "x";
    });
    const { problems } = await readQuestionnaireWorkbook(stray, TARGET, ITEMS, LABELS);
    expect(problems).toEqual([{ row: 1048576, column: "A", key: "workbookUnknownItem", params: { code: "x" } }]);
    const many = await edited((s) => {
      for (let r = 10; r < 200; r++) s.getCell(`A${r}`).value = `X${r}`;
    });
    await expect(readQuestionnaireWorkbook(many, TARGET, ITEMS, LABELS)).rejects.toEqual(
      new WorkbookFileError("workbookTooManyRows"),
    );
  });

  it("refuses another module's workbook, a file that is not a workbook, and reports rows that were removed or added", async () => {
    const bytes = await write();
    await expect(readQuestionnaireWorkbook(bytes, { ...TARGET, cityCode: "wuxi" }, ITEMS, LABELS)).rejects.toEqual(
      new WorkbookFileError("workbookNotForThisModule"),
    );
    await expect(
      readQuestionnaireWorkbook(new TextEncoder().encode("code,value\nQ1.1,5"), TARGET, ITEMS, LABELS),
    ).rejects.toEqual(new WorkbookFileError("workbookUnreadable"));
    const broken = await edited((sheet) => {
      sheet.getCell("A3").value = "Q9.9";
      sheet.getCell("A4").value = "Q1.1";
    });
    const { problems } = await readQuestionnaireWorkbook(broken, TARGET, ITEMS, LABELS);
    expect(problems).toEqual([
      { row: 4, column: "A", key: "workbookItemTwice", params: { code: "Q1.1" } },
      { row: 3, column: "A", key: "workbookUnknownItem", params: { code: "Q9.9" } },
      { row: 0, column: "A", key: "workbookItemMissing", params: { code: "Q1.2" } },
      { row: 0, column: "A", key: "workbookItemMissing", params: { code: "Q1.3" } },
    ]);
  });
});
