/**
 * Starting from last round: in a round cloned from a finalised one, the city copies its verified values of that
 * round into items it has not answered yet (per item or per module). A copied value is marked "来自上一轮，请核实"
 * (answers.prefilled_from_round_id) until the city edits or confirms it, and submitting waits for that
 * (lib/questionnaire/missing.ts). Evidence is not copied.
 */
import "server-only";
import { and, eq, isNotNull } from "drizzle-orm";
import { actingCityOf } from "@/lib/auth/policy";
import type { SessionUser } from "@/lib/domain";
import type { Item } from "@/lib/framework/item";
import { answerSchemaFor, type ItemConstraints, isAnswered } from "@/lib/questionnaire/answer-schema";
import { saveAnswer } from "./answers";
import { appendAudit } from "./audit";
import type { Db } from "./client";
import { checkEditable, itemEditability } from "./editing";
import { loadFrameworkShape } from "./framework";
import { listStoredResults } from "./results";
import { getRound, isCityInRound } from "./rounds";
import { answers } from "./schema";
import { getQuestionnaire } from "./submissions";

/**
 * The city's published values of the finalised round this one was cloned from, by item code: the verified value
 * (a reviewer's adjustment included) — for a link, the link the city gave (its verified value is a judgement).
 * Null when the round was not cloned, or its source is not finalised.
 */
export function previousRoundValues(
  db: Db,
  roundId: number,
  cityId: number,
): { sourceRoundId: number; values: Map<string, PreviousValue> } | null {
  const all = previousRoundValuesOfCities(db, roundId, cityId);
  return all && { sourceRoundId: all.sourceRoundId, values: all.byCity.get(cityId) ?? new Map() };
}

/**
 * The same for every city of the round at once (or one): read in one pass, as plausibility flags need them for
 * a whole national round. Null when the round was not cloned from a finalised one.
 */
export function previousRoundValuesOfCities(
  db: Db,
  roundId: number,
  onlyCityId?: number,
): { sourceRoundId: number; byCity: Map<number, Map<string, PreviousValue>> } | null {
  const round = getRound(db, roundId);
  const source = round?.clonedFromRoundId ? getRound(db, round.clonedFromRoundId) : null;
  if (!source || source.status !== "finalised") return null;
  if (onlyCityId !== undefined && !isCityInRound(db, source.id, onlyCityId)) return null;
  const itemOf = new Map(
    loadFrameworkShape(db, source.id).flatMap((m) => m.indicators.flatMap((i) => i.items.map((x) => [x.code, x]))),
  );
  const byCity = new Map<number, Map<string, PreviousValue>>();
  for (const row of listStoredResults(db, source.id, onlyCityId)) {
    const item = itemOf.get(row.code);
    if (row.level !== "item" || row.notSubmitted || !item) continue;
    const value = item.answerType === "url" ? row.submittedValue : row.verifiedValue;
    if (value === null || value === undefined) continue;
    let values = byCity.get(row.cityId);
    if (!values) byCity.set(row.cityId, (values = new Map()));
    values.set(row.code, { value, item });
  }
  return { sourceRoundId: source.id, byCity };
}

/** A value of last round with the item as it asked for it then (its type, unit and options). */
export type PreviousValue = {
  value: unknown;
  item: Pick<Item, "answerType" | "unitZh" | "unitEn" | "options">;
};

/** Whether last round asked for the item the same way: the same type and unit (a value in 万元 is no value in 亿元). */
export function askedTheSameWay(now: Pick<Item, "answerType" | "unitZh">, then: PreviousValue["item"]): boolean {
  return now.answerType === then.answerType && (now.unitZh ?? "") === (then.unitZh ?? "");
}

/**
 * Why last round's value cannot be copied into the item now, or null: it was asked another way, or the item no
 * longer accepts it. (The one check, for what the questionnaire offers and for what is copied.)
 */
export function copyRefusal(item: ItemConstraints & Pick<Item, "unitZh">, previous: PreviousValue): string | null {
  if (!askedTheSameWay(item, previous.item)) return "itemChanged";
  const parsed = answerSchemaFor(item).safeParse({ value: previous.value });
  return parsed.success && parsed.data.value !== null ? null : "previousValueInvalid";
}

export type PrefillSkip = { code: string; reason: string };

/**
 * Copies last round's values into the module's empty items (or only into these items), each as an ordinary save
 * marked as copied; answered items, items without a value last round, values the item no longer accepts and items
 * the city cannot change now are skipped, each with its reason. Audited as one copy.
 */
export function prefillFromPreviousRound(
  db: Db,
  user: SessionUser,
  roundId: number,
  moduleCode: string,
  onlyItemIds?: number[],
  now = new Date(),
): { ok: true; copied: string[]; skipped: PrefillSkip[] } | { ok: false; reason: "notFound" | "noPreviousRound" } {
  return db.transaction(
    () => {
      const cityId = actingCityOf(user);
      if (cityId === null || !isCityInRound(db, roundId, cityId))
        return { ok: false as const, reason: "notFound" as const };
      const questionnaire = getQuestionnaire(db, roundId, cityId, moduleCode);
      if (!questionnaire) return { ok: false as const, reason: "notFound" as const };
      const previous = previousRoundValues(db, roundId, cityId);
      if (!previous) return { ok: false as const, reason: "noPreviousRound" as const };
      const moduleItems = questionnaire.indicators.flatMap((i) => i.items);
      if (onlyItemIds?.some((id) => !moduleItems.some((i) => i.id === id)))
        return { ok: false as const, reason: "notFound" as const };
      const editability = itemEditability(db, user, roundId);
      // A department user copies into their own items only; another department's item is not theirs to hear about.
      const items = (onlyItemIds ? moduleItems.filter((i) => onlyItemIds.includes(i.id)) : moduleItems).filter(
        (i) => editability.get(i.id) !== "notYourItem",
      );
      if (!items.length) return { ok: false as const, reason: "notFound" as const };
      const answerOf = new Map(questionnaire.answers.map((a) => [a.itemId, a]));
      const copied: string[] = [];
      const skipped: PrefillSkip[] = [];
      for (const item of items) {
        const answer = answerOf.get(item.id);
        const refusal = editability.get(item.id);
        if (refusal) {
          skipped.push({ code: item.code, reason: refusal });
          continue;
        }
        if (isAnswered(answer)) {
          skipped.push({ code: item.code, reason: "answered" });
          continue;
        }
        const last = previous.values.get(item.code);
        if (last === undefined) {
          skipped.push({ code: item.code, reason: "noPreviousValue" });
          continue;
        }
        // The framework may have changed since: only a value this item asks for the same way and accepts is copied.
        const refused = copyRefusal(item, last);
        if (refused) {
          skipped.push({ code: item.code, reason: refused });
          continue;
        }
        const parsed = answerSchemaFor(item).parse({ value: last.value });
        const saved = saveAnswer(
          db,
          user,
          {
            itemId: item.id,
            baseRevision: answer?.revision ?? 0,
            value: parsed.value,
            notApplicableReason: null,
            prefilledFromRoundId: previous.sourceRoundId,
          },
          now,
        );
        if (saved.ok) copied.push(item.code);
        else skipped.push({ code: item.code, reason: saved.reason });
      }
      if (copied.length)
        appendAudit(db, {
          actorId: user.id,
          action: "questionnaire.prefilled",
          entityType: "module",
          entityId: `${roundId}:${moduleCode}`,
          roundId,
          cityId,
          after: { moduleCode, fromRoundId: previous.sourceRoundId, items: copied },
        });
      return { ok: true as const, copied, skipped };
    },
    { behavior: "immediate" },
  );
}

/** The city confirms a value copied from last round as it is: the mark goes, the value and revision stay. */
export function confirmPrefilled(
  db: Db,
  user: SessionUser,
  itemId: number,
): { ok: true } | { ok: false; reason: string } {
  return db.transaction(
    () => {
      const check = checkEditable(db, user, itemId);
      if (!check.ok) return check;
      if (!check.submission) return { ok: false, reason: "notFound" };
      const where = and(
        eq(answers.submissionId, check.submission.id),
        eq(answers.itemId, itemId),
        isNotNull(answers.prefilledFromRoundId),
      );
      const row = db.select().from(answers).where(where).get();
      // Edited (or confirmed) meanwhile: nothing left to confirm.
      if (!row) return { ok: true };
      db.update(answers).set({ prefilledFromRoundId: null }).where(where).run();
      appendAudit(db, {
        actorId: user.id,
        action: "answer.prefill_confirmed",
        entityType: "answer",
        entityId: `${check.submission.id}:${check.item.code}`,
        roundId: check.round.id,
        cityId: check.cityId,
        before: { value: row.value, prefilledFromRoundId: row.prefilledFromRoundId },
      });
      return { ok: true };
    },
    { behavior: "immediate" },
  );
}
