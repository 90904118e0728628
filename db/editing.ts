/**
 * Who may edit which item of a city's questionnaire now, and the draft submission a first edit opens. Every
 * write re-checks this inside its own immediate transaction and asks lib/workflow.
 */
import "server-only";
import { and, eq } from "drizzle-orm";
import { actingCityOf, mayFillItem } from "@/lib/auth/policy";
import type { RoundStatus, SessionUser, SubmissionStatus } from "@/lib/domain";
import { decide, type WorkflowRefusal } from "@/lib/workflow/transitions";
import type { Db, Tx } from "./client";
import { assigneeOf, assigneesOf } from "./departments";
import { reopenedItemIds } from "./item-decisions";
import { indicators, items, roundCities, rounds, submissions } from "./schema";

/** The city's submission of a module, or null before its first edit. */
export function getSubmission(db: Db | Tx, roundId: number, cityId: number, moduleId: number) {
  return (
    db
      .select()
      .from(submissions)
      .where(and(eq(submissions.roundId, roundId), eq(submissions.cityId, cityId), eq(submissions.moduleId, moduleId)))
      .get() ?? null
  );
}

export type EditRefusal = WorkflowRefusal | "notFound" | "itemLocked" | "notYourItem";

/** The item, its round and the city's submission (null before the first edit), if the user may edit it now. */
export function checkEditable(db: Db | Tx, user: SessionUser, itemId: number) {
  const cityId = actingCityOf(user);
  if (cityId === null) return { ok: false as const, reason: "roleNotAllowed" as const };
  const row = db
    .select({ item: items, round: rounds, moduleId: indicators.moduleId })
    .from(items)
    .innerJoin(indicators, eq(indicators.id, items.indicatorId))
    .innerJoin(rounds, eq(rounds.id, items.roundId))
    .innerJoin(roundCities, and(eq(roundCities.roundId, items.roundId), eq(roundCities.cityId, cityId)))
    .where(eq(items.id, itemId))
    .get();
  if (!row) return { ok: false as const, reason: "notFound" as const };
  const submission = getSubmission(db, row.round.id, cityId, row.moduleId);
  const refusal = editRefusal(
    { user, cityId, assigneeId: assigneeOf(db, cityId, itemId) },
    row.round.status,
    submission,
    () => reopenedItemIds(db, submission!.id, submission!.version).has(itemId),
  );
  if (refusal) return { ok: false as const, reason: refusal };
  return { ok: true as const, cityId, ...row, submission };
}

/**
 * The one rule of who may edit an item now (checkEditable, itemEditability and the autosave path of
 * db/answers.ts ask it): the item is the user's to fill (a department user's only if assigned to them), the
 * workflow allows editing the module in its state, and in a returned module only the queried items reopen;
 * everything else stays locked with its approval.
 */
export function editRefusal(
  who: { user: SessionUser; cityId: number; assigneeId: number | null },
  roundStatus: RoundStatus,
  submission: { status: SubmissionStatus } | null,
  isReopened: () => boolean,
): EditRefusal | null {
  const { user } = who;
  if (!mayFillItem(user, who.cityId, who.assigneeId)) return "notYourItem";
  const decision = decide("edit", { role: user.role, state: submission?.status ?? "draft", roundStatus });
  if (!decision.ok) return decision.reason;
  return submission?.status === "returned" && !isReopened() ? "itemLocked" : null;
}

/** Like checkEditable, creating the draft submission on first edit; inside the caller's write transaction. */
export function openForEdit(tx: Tx, user: SessionUser, itemId: number, now: Date) {
  const check = checkEditable(tx, user, itemId);
  if (!check.ok) return check;
  const submission =
    check.submission ??
    tx
      .insert(submissions)
      .values({
        roundId: check.round.id,
        cityId: check.cityId,
        moduleId: check.moduleId,
        status: "draft",
        version: 0,
        updatedAt: now,
      })
      .returning()
      .get();
  return { ...check, submission };
}

/** Whether the city staff member may add evidence to the item now (checked again when the row is written). */
export function canEditItem(
  db: Db,
  user: SessionUser,
  itemId: number,
): { ok: true } | { ok: false; reason: EditRefusal } {
  const check = checkEditable(db, user, itemId);
  return check.ok ? { ok: true } : check;
}

/**
 * For every item of the round, whether the city staff member may change it (its answer or evidence) now: null, or
 * the reason not — the rule of `checkEditable`, for a whole round at once (the evidence library offers items).
 */
export function itemEditability(db: Db, user: SessionUser, roundId: number): Map<number, EditRefusal | null> {
  const cityId = actingCityOf(user);
  const round = db.select().from(rounds).where(eq(rounds.id, roundId)).get();
  const rows = db
    .select({ itemId: items.id, moduleId: indicators.moduleId })
    .from(items)
    .innerJoin(indicators, eq(indicators.id, items.indicatorId))
    .where(eq(items.roundId, roundId))
    .all();
  const assignees = cityId === null ? new Map<number, number>() : assigneesOf(db, roundId, cityId);
  const submissionOf = new Map<number, ReturnType<typeof getSubmission>>();
  const reopenedOf = new Map<number, Set<number>>();
  const result = new Map<number, EditRefusal | null>();
  for (const { itemId, moduleId } of rows) {
    if (cityId === null || !round) {
      result.set(itemId, cityId === null ? "roleNotAllowed" : "notFound");
      continue;
    }
    if (!submissionOf.has(moduleId)) submissionOf.set(moduleId, getSubmission(db, roundId, cityId, moduleId));
    const submission = submissionOf.get(moduleId)!;
    const reopened = () => {
      if (!reopenedOf.has(moduleId)) reopenedOf.set(moduleId, reopenedItemIds(db, submission!.id, submission!.version));
      return reopenedOf.get(moduleId)!.has(itemId);
    };
    result.set(
      itemId,
      editRefusal({ user, cityId, assigneeId: assignees.get(itemId) ?? null }, round.status, submission, reopened),
    );
  }
  return result;
}
