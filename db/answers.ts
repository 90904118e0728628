/** The city's answers: reading them, and saving one with optimistic concurrency (the autosave path). */
import "server-only";
import { and, eq, isNotNull, sql } from "drizzle-orm";
import { actingCityOf } from "@/lib/auth/policy";
import type { SessionUser } from "@/lib/domain";
import { appendAudit } from "./audit";
import type { Db, Tx } from "./client";
import { type EditRefusal, editRefusal, openForEdit } from "./editing";
import { reopenedItemIds } from "./item-decisions";
import { answers, indicators, itemAssignees, items, roundCities, rounds, submissions, users } from "./schema";

export type StoredAnswer = {
  itemId: number;
  value: unknown;
  notApplicableReason: string | null;
  revision: number;
  updatedAt: Date;
  updatedByName: string | null;
  /** set while the value is one copied from last round that the city has not edited or confirmed (db/prefill.ts) */
  prefilledFromRoundId?: number | null;
};

export function listAnswers(db: Db | Tx, submissionId: number, itemId?: number): StoredAnswer[] {
  return db
    .select({
      itemId: answers.itemId,
      value: answers.value,
      notApplicableReason: answers.notApplicableReason,
      revision: answers.revision,
      updatedAt: answers.updatedAt,
      updatedByName: users.name,
      prefilledFromRoundId: answers.prefilledFromRoundId,
    })
    .from(answers)
    .leftJoin(users, eq(users.id, answers.updatedBy))
    .where(and(eq(answers.submissionId, submissionId), itemId === undefined ? undefined : eq(answers.itemId, itemId)))
    .all();
}

/** The item's constraints, for validating a save before it is attempted; null when not the city's to edit. */
export function getItemForCity(db: Db, itemId: number, cityId: number) {
  return hotQueries(db).itemForCity.get({ itemId, cityId })?.item ?? null;
}

/**
 * Prepared statements of the autosave path, built once per connection: query building costs more than
 * running these small indexed queries.
 */
const prepared = new WeakMap<Db, ReturnType<typeof prepareHotQueries>>();

function hotQueries(db: Db) {
  let queries = prepared.get(db);
  if (!queries) {
    queries = prepareHotQueries(db);
    prepared.set(db, queries);
  }
  return queries;
}

function prepareHotQueries(db: Db) {
  const p = sql.placeholder;
  return {
    itemForCity: db
      .select({ item: items })
      .from(items)
      .innerJoin(roundCities, and(eq(roundCities.roundId, items.roundId), eq(roundCities.cityId, p("cityId"))))
      .where(eq(items.id, p("itemId")))
      .prepare(),
    /** Everything a save needs to decide, in one indexed lookup. */
    saveContext: db
      .select({
        itemCode: items.code,
        roundStatus: rounds.status,
        submissionId: submissions.id,
        submissionStatus: submissions.status,
        submissionVersion: submissions.version,
        roundId: submissions.roundId,
        answerValue: answers.value,
        answerReason: answers.notApplicableReason,
        answerRevision: answers.revision,
        answerUpdatedAt: answers.updatedAt,
        answerUpdatedBy: users.name,
        assigneeId: itemAssignees.userId,
      })
      .from(items)
      .innerJoin(indicators, eq(indicators.id, items.indicatorId))
      .innerJoin(rounds, eq(rounds.id, items.roundId))
      .innerJoin(
        submissions,
        and(
          eq(submissions.roundId, items.roundId),
          eq(submissions.cityId, p("cityId")),
          eq(submissions.moduleId, indicators.moduleId),
        ),
      )
      .leftJoin(answers, and(eq(answers.submissionId, submissions.id), eq(answers.itemId, items.id)))
      .leftJoin(users, eq(users.id, answers.updatedBy))
      .leftJoin(itemAssignees, and(eq(itemAssignees.cityId, p("cityId")), eq(itemAssignees.itemId, items.id)))
      .where(eq(items.id, p("itemId")))
      .prepare(),
    touchSubmission: db
      .update(submissions)
      .set({ updatedAt: sql`${p("now")}` })
      .where(eq(submissions.id, p("submissionId")))
      .prepare(),
  };
}

export type SaveAnswerResult =
  | { ok: true; revision: number; updatedAt: Date }
  | { ok: false; reason: EditRefusal }
  | { ok: false; reason: "staleRevision"; current: Omit<StoredAnswer, "itemId"> };

/**
 * Saves one answer if it is based on the latest revision (0 for the first save). A save from an older
 * revision is refused with the newer value and who saved it, so that two people never overwrite each other.
 */
export function saveAnswer(
  db: Db,
  user: SessionUser,
  input: {
    itemId: number;
    baseRevision: number;
    value: unknown;
    notApplicableReason: string | null;
    /** a value copied from the round this one was cloned from (db/prefill.ts); any other change clears the mark */
    prefilledFromRoundId?: number;
  },
  now = new Date(),
): SaveAnswerResult {
  const queries = hotQueries(db);
  return db.transaction(
    (tx): SaveAnswerResult => {
      const cityId = actingCityOf(user);
      if (cityId === null) return { ok: false, reason: "roleNotAllowed" };
      let ctx = queries.saveContext.get({ itemId: input.itemId, cityId });
      if (!ctx) {
        // Nothing saved in this module yet: only a save based on no revision can be the first, and a refused one
        // must not leave the draft it would have created.
        if (input.baseRevision !== 0) return { ok: false, reason: "notFound" };
        // First edit of this module (or an item outside the city's rounds): the full check creates the draft.
        const open = openForEdit(tx, user, input.itemId, now);
        if (!open.ok) return open;
        ctx = queries.saveContext.get({ itemId: input.itemId, cityId });
        if (!ctx) return { ok: false, reason: "notFound" };
      }
      const { submissionId, submissionVersion } = ctx;
      const refusal = editRefusal(
        { user, cityId, assigneeId: ctx.assigneeId },
        ctx.roundStatus,
        { status: ctx.submissionStatus },
        () => reopenedItemIds(tx, submissionId, submissionVersion).has(input.itemId),
      );
      if (refusal) return { ok: false, reason: refusal };

      const existing =
        ctx.answerRevision === null
          ? null
          : { value: ctx.answerValue, notApplicableReason: ctx.answerReason, revision: ctx.answerRevision };
      const currentRevision = existing?.revision ?? 0;
      if (input.baseRevision !== currentRevision) {
        if (!existing) return { ok: false, reason: "notFound" };
        return {
          ok: false,
          reason: "staleRevision",
          current: { ...existing, updatedAt: ctx.answerUpdatedAt!, updatedByName: ctx.answerUpdatedBy },
        };
      }
      const unchanged =
        existing &&
        JSON.stringify(existing.value) === JSON.stringify(input.value) &&
        existing.notApplicableReason === input.notApplicableReason;
      if (unchanged) {
        // The same value entered again over one copied from last round: the city has checked it.
        if (!input.prefilledFromRoundId)
          tx.update(answers)
            .set({ prefilledFromRoundId: null })
            .where(
              and(
                eq(answers.submissionId, ctx.submissionId),
                eq(answers.itemId, input.itemId),
                isNotNull(answers.prefilledFromRoundId),
              ),
            )
            .run();
        return { ok: true, revision: existing.revision, updatedAt: ctx.answerUpdatedAt! };
      }

      const revision = currentRevision + 1;
      const values = {
        value: input.value,
        notApplicableReason: input.notApplicableReason,
        revision,
        updatedBy: user.id,
        updatedAt: now,
        // Copied from last round: marked. Any other save that changes the answer clears the mark (the trigger
        // answers_prefill_cleared, drizzle/0013), with no further statement on the autosave path.
        ...(input.prefilledFromRoundId ? { prefilledFromRoundId: input.prefilledFromRoundId } : {}),
      };
      tx.insert(answers)
        .values({ submissionId: ctx.submissionId, itemId: input.itemId, ...values })
        .onConflictDoUpdate({ target: [answers.submissionId, answers.itemId], set: values })
        .run();
      queries.touchSubmission.run({ submissionId: ctx.submissionId, now: now.getTime() });
      appendAudit(db, {
        actorId: user.id,
        action: "answer.saved",
        entityType: "answer",
        entityId: `${ctx.submissionId}:${ctx.itemCode}`,
        roundId: ctx.roundId,
        cityId,
        before: existing,
        after: {
          value: input.value,
          notApplicableReason: input.notApplicableReason,
          revision,
          ...(input.prefilledFromRoundId ? { prefilledFromRoundId: input.prefilledFromRoundId } : {}),
        },
      });
      return { ok: true, revision, updatedAt: now };
    },
    { behavior: "immediate" },
  );
}
