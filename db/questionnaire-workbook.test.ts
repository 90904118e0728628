import { and, eq } from "drizzle-orm";
import ExcelJS from "exceljs";
import { beforeEach, describe, expect, it } from "vitest";
import {
  readQuestionnaireWorkbook,
  type WorkbookLabels,
  writeQuestionnaireWorkbook,
} from "@/lib/questionnaire/workbook";
import { saveAnswer } from "./answers";
import { type Db } from "./client";
import { applyWorkbookImport, loadWorkbookData } from "./questionnaire-workbook";
import { answers, auditLog } from "./schema";
import { createModuleBRound, createTestDb } from "./test-db";

const LABELS: WorkbookLabels = {
  code: "编码",
  name: "指标项",
  unit: "单位",
  limits: "取值要求",
  value: "填报值",
  notApplicable: "不适用",
  reason: "原因",
  revision: "修订号",
  yes: "是",
  no: "否",
  numberLimits: () => "",
  multiHint: "",
  booleanLimits: "是 / 否",
  urlLimits: "网址",
  textLimits: "文字",
};

let db: Db;
let round: Awaited<ReturnType<typeof createModuleBRound>>;

beforeEach(async () => {
  db = createTestDb();
  round = await createModuleBRound(db, "workbook");
});

/** Module B's workbook as the staff member downloads it now, edited as in Excel, and read back. */
async function downloadEditRead(edit: Record<string, ExcelJS.CellValue>) {
  const data = loadWorkbookData(db, round.staff, round.roundId, "B")!;
  const target = { roundId: round.roundId, cityCode: data.city.code, moduleCode: "B" };
  const bytes = await writeQuestionnaireWorkbook({
    target,
    title: "B",
    items: data.items,
    answers: data.stored,
    labels: LABELS,
    locale: "zh-CN",
  });
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = workbook.getWorksheet("questionnaire")!;
  const rowOf = (code: string) => data.items.findIndex((i) => i.code === code) + 2;
  return async () => {
    for (const [address, value] of Object.entries(edit)) {
      const [code, column] = address.split("@") as [string, string];
      sheet.getCell(`${column}${rowOf(code)}`).value = value;
    }
    const edited = new Uint8Array(await workbook.xlsx.writeBuffer());
    return readQuestionnaireWorkbook(edited, target, data.items, LABELS);
  };
}

const FILE = { name: "B.xlsx", sha256: "f".repeat(64) };
const stored = (code: string) =>
  db
    .select()
    .from(answers)
    .where(eq(answers.itemId, round.itemId(code)))
    .get();

describe("filling a module in with Excel", () => {
  it("saves every change as an ordinary save, from the revision it was downloaded with, audited as one import", async () => {
    const { staff, itemId, roundId } = round;
    saveAnswer(db, staff, { itemId: itemId("B1.1"), baseRevision: 0, value: 12, notApplicableReason: null });
    const read = await (
      await downloadEditRead({ "B1.1@E": 15, "B1.2@E": 88, "B1.3@F": "是", "B1.3@G": "本市不涉及" })
    )();
    expect(read.problems).toEqual([]);
    const result = applyWorkbookImport(db, staff, roundId, "B", read.proposed, FILE);
    expect(result).toEqual({ ok: true, changed: ["B1.1", "B1.2", "B1.3"] });
    expect([stored("B1.1")?.value, stored("B1.1")?.revision]).toEqual([15, 2]);
    expect(stored("B1.2")?.value).toBe(88);
    expect([stored("B1.3")?.value, stored("B1.3")?.notApplicableReason]).toEqual([null, "本市不涉及"]);
    const imported = db.select().from(auditLog).where(eq(auditLog.action, "questionnaire.imported")).all();
    expect(imported.map((a) => a.after)).toEqual([
      { moduleCode: "B", file: "B.xlsx", sha256: FILE.sha256, items: ["B1.1", "B1.2", "B1.3"] },
    ]);
    // The same workbook again changes nothing: what it proposes is what is stored now.
    expect(applyWorkbookImport(db, staff, roundId, "B", read.proposed, FILE)).toEqual({ ok: true, changed: [] });
    expect(db.select().from(auditLog).where(eq(auditLog.action, "questionnaire.imported")).all()).toHaveLength(1);
  });

  it("saves nothing when an item was changed on the platform since the download", async () => {
    const { staff, itemId, roundId } = round;
    const read = await downloadEditRead({ "B1.1@E": 15, "B1.2@E": 88 });
    // A colleague saves B1.2 after the download.
    saveAnswer(db, staff, { itemId: itemId("B1.2"), baseRevision: 0, value: 70, notApplicableReason: null });
    const { proposed } = await read();
    const result = applyWorkbookImport(db, staff, roundId, "B", proposed, FILE);
    expect(result).toMatchObject({
      ok: false,
      reason: "importNotApplicable",
      plan: expect.arrayContaining([
        expect.objectContaining({ code: "B1.1", status: "changed" }),
        expect.objectContaining({ code: "B1.2", status: "conflict", current: expect.objectContaining({ value: 70 }) }),
      ]),
    });
    expect(stored("B1.1")).toBeUndefined(); // nothing partial
    expect(stored("B1.2")?.value).toBe(70);
    expect(db.select().from(auditLog).where(eq(auditLog.action, "questionnaire.imported")).all()).toEqual([]);
  });

  it("refuses changes to a submitted module, and another city's or role's import", async () => {
    const { staff, other, initial, roundId, submitB } = round;
    submitB();
    const { proposed } = await (await downloadEditRead({ "B1.1@E": 99 }))();
    const result = applyWorkbookImport(db, staff, roundId, "B", proposed, FILE);
    expect(result).toMatchObject({
      ok: false,
      reason: "importNotApplicable",
      plan: expect.arrayContaining([expect.objectContaining({ code: "B1.1", status: "locked", reason: "wrongState" })]),
    });
    expect(applyWorkbookImport(db, initial, roundId, "B", proposed, FILE)).toEqual({ ok: false, reason: "notFound" });
    // Another city's staff write their own city's answers only, and the other city's data stays as it was.
    const before = db
      .select()
      .from(answers)
      .where(and(eq(answers.itemId, round.itemId("B1.1"))))
      .all();
    applyWorkbookImport(db, other, roundId, "B", proposed, FILE);
    const after = db.select().from(answers).all();
    expect(after.filter((a) => before.some((b) => b.id === a.id))).toEqual(before);
  });
});
