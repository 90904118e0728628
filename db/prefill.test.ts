import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { saveAnswer } from "./answers";
import type { Db } from "./client";
import { decideItem } from "./item-decisions";
import { confirmPrefilled, prefillFromPreviousRound, previousRoundValues } from "./prefill";
import { approveSubmission } from "./reviews";
import { cloneRound, openRound } from "./rounds";
import { answers, auditLog, items } from "./schema";
import { getQuestionnaire, listModuleSummaries, submitModule } from "./submissions";
import { createModuleBRound, createTestDb, MODULE_B_VALUES } from "./test-db";

let db: Db;
let round: Awaited<ReturnType<typeof createModuleBRound>>;
let next: number;
/** An item of the cloned round by code. */
const nextItem = (code: string) =>
  db
    .select()
    .from(items)
    .where(and(eq(items.roundId, next), eq(items.code, code)))
    .get()!.id;
const storedNext = (code: string) =>
  db
    .select()
    .from(answers)
    .where(eq(answers.itemId, nextItem(code)))
    .get();

beforeEach(async () => {
  db = createTestDb();
  round = await createModuleBRound(db, "2019");
  // Last round: Hangzhou's module B verified, B1.2 adjusted to 80 by the second stage; then finalised.
  const { staff, initial, final, itemId } = round;
  const subId = round.submitB();
  expect(approveSubmission(db, initial, subId, 1).ok).toBe(true);
  decideItem(db, final, {
    submissionId: subId,
    itemId: itemId("B1.2"),
    version: 1,
    action: "adjust",
    adjustedValue: 80,
    comment: "核减",
  });
  expect(approveSubmission(db, final, subId, 1).ok).toBe(true);
  round.closeAndFinalise();
  const cloned = cloneRound(db, round.admin.id, round.roundId, { name: "2020", year: 2020 });
  if (!cloned.ok) throw new Error(cloned.reason);
  next = cloned.id;
  expect(openRound(db, round.admin, next).ok).toBe(true);
  expect(staff.cityId).not.toBeNull();
});

describe("starting from last round", () => {
  it("copies the city's verified values into empty items, marked until edited or confirmed; submitting waits", () => {
    const { staff, other } = round;
    // One item answered already in the new round: kept as it is.
    saveAnswer(db, staff, { itemId: nextItem("B1.1"), baseRevision: 0, value: 20, notApplicableReason: null });
    const result = prefillFromPreviousRound(db, staff, next, "B");
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.skipped).toEqual([{ code: "B1.1", reason: "answered" }]);
    expect(result.copied).toEqual(Object.keys(MODULE_B_VALUES).filter((c) => c !== "B1.1"));
    expect(storedNext("B1.1")).toMatchObject({ value: 20, prefilledFromRoundId: null });
    // The verified value, the reviewer's adjustment included, marked as copied.
    expect(storedNext("B1.2")).toMatchObject({ value: 80, prefilledFromRoundId: round.roundId });
    expect(storedNext("B1.3")).toMatchObject({ value: MODULE_B_VALUES["B1.3"], prefilledFromRoundId: round.roundId });
    expect(db.select().from(auditLog).where(eq(auditLog.action, "questionnaire.prefilled")).all()).toHaveLength(1);
    // The city's overview counts what is still to check.
    expect(listModuleSummaries(db, next, staff.cityId!).find((m) => m.code === "B")?.toCheck).toBe(
      result.copied.length,
    );

    // Not submittable while copied values are unchecked; evidence was not copied either.
    const refused = submitModule(db, staff, next, "B");
    expect(refused.ok).toBe(false);
    if (!refused.ok && refused.reason === "incomplete")
      expect(refused.missing.filter((m) => m.what === "confirmation").map((m) => m.itemCode)).toEqual(result.copied);
    expect(getQuestionnaire(db, next, staff.cityId!, "B")!.evidence).toEqual([]);

    // Confirmed as it is: the mark goes, the value and revision stay. Edited: the mark goes too.
    const before = storedNext("B1.2")!;
    expect(confirmPrefilled(db, staff, nextItem("B1.2"))).toEqual({ ok: true });
    expect(storedNext("B1.2")).toMatchObject({ value: 80, revision: before.revision, prefilledFromRoundId: null });
    const b13 = storedNext("B1.3")!;
    saveAnswer(db, staff, {
      itemId: nextItem("B1.3"),
      baseRevision: b13.revision,
      value: 71,
      notApplicableReason: null,
    });
    expect(storedNext("B1.3")).toMatchObject({ value: 71, prefilledFromRoundId: null });
    // Confirming a value edited meanwhile: nothing left to confirm, and no error for the clerk.
    expect(confirmPrefilled(db, staff, nextItem("B1.3"))).toEqual({ ok: true });
    // The same value entered again over a copied one counts as checking it.
    const b21 = storedNext("B2.1")!;
    expect(b21.prefilledFromRoundId).toBe(round.roundId);
    saveAnswer(db, staff, {
      itemId: nextItem("B2.1"),
      baseRevision: b21.revision,
      value: b21.value,
      notApplicableReason: null,
    });
    expect(storedNext("B2.1")).toMatchObject({ value: b21.value, revision: b21.revision, prefilledFromRoundId: null });
    // Another city's staff cannot confirm Hangzhou's value; Ningbo had nothing verified last round.
    expect(confirmPrefilled(db, other, nextItem("B2.1")).ok).toBe(false);
    expect(prefillFromPreviousRound(db, other, next, "B")).toMatchObject({ ok: true, copied: [] });
  });

  it("does not copy a value asked for another way last round (another unit)", () => {
    const { staff, admin, roundId } = round;
    const clone = cloneRound(db, admin.id, roundId, { name: "2021", year: 2021 });
    if (!clone.ok) throw new Error(clone.reason);
    db.$client.prepare("update items set unit_zh = '亿元' where round_id = ? and code = 'B1.1'").run(clone.id);
    expect(openRound(db, admin, clone.id).ok).toBe(true);
    const result = prefillFromPreviousRound(db, staff, clone.id, "B");
    expect(result).toMatchObject({ ok: true, skipped: [{ code: "B1.1", reason: "itemChanged" }] });
  });

  it("copies one item when asked, and refuses where there is no finalised round before, or items of another module", () => {
    const { staff, roundId } = round;
    expect(prefillFromPreviousRound(db, staff, next, "B", [nextItem("B2.1")])).toMatchObject({
      ok: true,
      copied: ["B2.1"],
    });
    expect(prefillFromPreviousRound(db, staff, next, "B", [nextItem("G1.1")])).toEqual({
      ok: false,
      reason: "notFound",
    });
    // Last round itself was cloned from nothing.
    expect(prefillFromPreviousRound(db, staff, roundId, "B")).toEqual({ ok: false, reason: "noPreviousRound" });
    expect(previousRoundValues(db, roundId, staff.cityId!)).toBeNull(); // not cloned from anything
    expect(prefillFromPreviousRound(db, round.initial, next, "B")).toEqual({ ok: false, reason: "notFound" });
  });
});
