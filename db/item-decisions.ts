/**
 * A reviewer's decisions on single items of a version (accept, adjust, query), and the decisions in force:
 * carried into a new version for the items the city left unchanged, and the adjustments that replace values.
 * A little over 300 lines: deciding, withdrawing and carrying decisions share their reads and must agree, so
 * they stay in one file; the review screen's loader is in ./review-screen.ts.
 */
import "server-only";
import { and, asc, desc, eq, inArray, ne, or, sql } from "drizzle-orm";
import type { SessionUser } from "@/lib/domain";
import { adjustmentInForce, changedItemCodes } from "@/lib/review/value-in-force";
import { decide } from "@/lib/workflow/transitions";
import { appendAudit } from "./audit";
import type { Db, Tx } from "./client";
import { loadFrameworkShape } from "./framework";
import { movedOn, type Refused, reviewContext } from "./review-context";
import { itemReviews, items, reviewStages, submissions, submissionVersions, users } from "./schema";

export type ItemDecision =
  | { action: "accept"; comment?: string | null }
  | { action: "adjust"; adjustedValue: unknown; comment: string }
  | { action: "query"; comment: string };

/** One stage's decision on one item of the submission's current version (the table's unique key). */
function itemReviewKey(sub: { id: number; version: number }, itemId: number, stageId: number) {
  return and(
    eq(itemReviews.submissionId, sub.id),
    eq(itemReviews.itemId, itemId),
    eq(itemReviews.version, sub.version),
    eq(itemReviews.stageId, stageId),
  );
}

/** A reviewer's decision on one item of the version in front of them (replacing their earlier one). */
export function decideItem(
  db: Db,
  user: SessionUser,
  input: { submissionId: number; itemId: number; version: number } & ItemDecision,
  now = new Date(),
): { ok: true } | Refused {
  return db.transaction(
    (tx): { ok: true } | Refused => {
      const ctx = reviewContext(tx, user, input.submissionId);
      if (!ctx) return { ok: false, reason: "notFound" };
      const { sub, stage } = ctx;
      const item = tx.select().from(items).where(eq(items.id, input.itemId)).get();
      const inModule =
        item &&
        loadFrameworkShape(tx, sub.roundId, [sub.moduleId])[0]?.indicators.some((i) =>
          i.items.some((x) => x.id === item.id),
        );
      if (!item || !inModule) return { ok: false, reason: "notFound" };
      if (movedOn(tx, user, ctx, input.version)) return { ok: false, reason: "alreadyDecided" };
      const decision = decide("review_item", ctx.workflow);
      if (!decision.ok) return decision;
      const key = itemReviewKey(sub, item.id, stage!.id);
      const before = tx.select().from(itemReviews).where(key).get();
      const values = {
        action: input.action,
        adjustedValue: input.action === "adjust" ? input.adjustedValue : null,
        comment: input.comment?.trim() || null,
        reviewerId: user.id,
        createdAt: now,
        // a fresh decision on this version replaces one carried from an earlier version
        carriedFromVersion: null,
      };
      if (before) tx.update(itemReviews).set(values).where(key).run();
      else
        tx.insert(itemReviews)
          .values({ submissionId: sub.id, itemId: item.id, version: sub.version, stageId: stage!.id, ...values })
          .run();
      if (sub.status !== decision.to)
        tx.update(submissions).set({ status: decision.to, updatedAt: now }).where(eq(submissions.id, sub.id)).run();
      appendAudit(tx, {
        actorId: user.id,
        action: `item.${input.action}`,
        entityType: "submission",
        entityId: sub.id,
        roundId: sub.roundId,
        cityId: sub.cityId,
        before: before
          ? { itemCode: item.code, action: before.action, adjustedValue: before.adjustedValue, comment: before.comment }
          : null,
        after: {
          itemCode: item.code,
          version: sub.version,
          stage: stage!.position,
          action: input.action,
          adjustedValue: values.adjustedValue,
          comment: values.comment,
        },
      });
      return { ok: true };
    },
    { behavior: "immediate" },
  );
}

/** A reviewer withdraws their stage's decision on an item of the current version (a carried one included). */
export function withdrawItemDecision(
  db: Db,
  user: SessionUser,
  input: { submissionId: number; itemId: number; version: number },
): { ok: true } | Refused {
  return db.transaction(
    (tx): { ok: true } | Refused => {
      const ctx = reviewContext(tx, user, input.submissionId);
      if (!ctx) return { ok: false, reason: "notFound" };
      const { sub, stage } = ctx;
      if (movedOn(tx, user, ctx, input.version)) return { ok: false, reason: "alreadyDecided" };
      const decision = decide("review_item", ctx.workflow);
      if (!decision.ok) return decision;
      const key = itemReviewKey(sub, input.itemId, stage!.id);
      const before = tx.select().from(itemReviews).where(key).get();
      if (!before) return { ok: false, reason: "notFound" };
      tx.delete(itemReviews).where(key).run();
      const item = tx.select({ code: items.code }).from(items).where(eq(items.id, input.itemId)).get()!;
      appendAudit(tx, {
        actorId: user.id,
        action: "item.withdrawn",
        entityType: "submission",
        entityId: sub.id,
        roundId: sub.roundId,
        cityId: sub.cityId,
        before: {
          itemCode: item.code,
          version: sub.version,
          stage: stage!.position,
          action: before.action,
          adjustedValue: before.adjustedValue,
          comment: before.comment,
          carriedFromVersion: before.carriedFromVersion,
        },
        after: null,
      });
      return { ok: true };
    },
    { behavior: "immediate" },
  );
}

/** Item ids the city may change in a returned submission: those queried in the return of its current version. */
export function reopenedItemIds(db: Db | Tx, submissionId: number, version: number): Set<number> {
  const rows = db
    .select({ itemId: itemReviews.itemId })
    .from(itemReviews)
    .where(
      and(
        eq(itemReviews.submissionId, submissionId),
        eq(itemReviews.version, version),
        eq(itemReviews.action, "query"),
      ),
    )
    .all();
  return new Set(rows.map((r) => r.itemId));
}

/**
 * Carries the accept and adjust decisions of `fromVersion` on every item the city did not change into
 * `toVersion`, at the same stage and by the same reviewer, marked with the version they were made on.
 * Queries are not carried: resubmitting answers them.
 */
export function carryDecisions(
  tx: Tx,
  submissionId: number,
  fromVersion: number,
  toVersion: number,
  changedItemIds: Set<number>,
) {
  const rows = tx
    .select()
    .from(itemReviews)
    .where(
      and(
        eq(itemReviews.submissionId, submissionId),
        eq(itemReviews.version, fromVersion),
        ne(itemReviews.action, "query"),
      ),
    )
    .all()
    .filter((r) => !changedItemIds.has(r.itemId));
  if (!rows.length) return;
  tx.insert(itemReviews)
    .values(
      rows.map((r) => ({
        submissionId: r.submissionId,
        itemId: r.itemId,
        version: toVersion,
        stageId: r.stageId,
        reviewerId: r.reviewerId,
        action: r.action,
        adjustedValue: r.adjustedValue,
        comment: r.comment,
        createdAt: r.createdAt,
        carriedFromVersion: r.carriedFromVersion ?? fromVersion,
      })),
    )
    .run();
}

/** The codes of the items the city changed in `version` compared with the version before it. */
export function changedSinceLastVersion(
  db: Db | Tx,
  submissionId: number,
  version: number,
  itemCodes: string[],
): Set<string> {
  if (version < 2) return new Set();
  const [previous, current] = db
    .select()
    .from(submissionVersions)
    .where(
      and(
        eq(submissionVersions.submissionId, submissionId),
        or(eq(submissionVersions.version, version - 1), eq(submissionVersions.version, version)),
      ),
    )
    .orderBy(asc(submissionVersions.version))
    .all();
  return current ? changedItemCodes(previous?.snapshot, current.snapshot, itemCodes) : new Set();
}

export function decidedItemIds(db: Db | Tx, submissionId: number, version: number, stageId: number): Set<number> {
  return new Set(
    db
      .select({ itemId: itemReviews.itemId })
      .from(itemReviews)
      .where(
        and(
          eq(itemReviews.submissionId, submissionId),
          eq(itemReviews.version, version),
          eq(itemReviews.stageId, stageId),
        ),
      )
      .all()
      .map((r) => r.itemId),
  );
}

/**
 * The items the city changed since the last version this stage decided on, which the stage decided then and
 * has not decided again: the stage's approval waits for a fresh decision on each. A stage that never saw an
 * earlier version judges the whole version afresh.
 */
export function itemsNeedingDecision(
  db: Db | Tx,
  sub: Pick<typeof submissions.$inferSelect, "id" | "version" | "roundId" | "moduleId">,
  stageId: number,
): string[] {
  if (sub.version < 2) return [];
  const lastSeen = db
    .select({ version: itemReviews.version })
    .from(itemReviews)
    .where(
      and(eq(itemReviews.submissionId, sub.id), eq(itemReviews.stageId, stageId), ne(itemReviews.version, sub.version)),
    )
    .orderBy(desc(itemReviews.version))
    .get()?.version;
  if (lastSeen === undefined) return [];
  const moduleItems = loadFrameworkShape(db, sub.roundId, [sub.moduleId])[0]!.indicators.flatMap((i) => i.items);
  const snapshots = db.select().from(submissionVersions).where(eq(submissionVersions.submissionId, sub.id)).all();
  const then = snapshots.find((v) => v.version === lastSeen)?.snapshot;
  const now = snapshots.find((v) => v.version === sub.version)?.snapshot;
  if (!then || !now) return [];
  const changed = changedItemCodes(
    then,
    now,
    moduleItems.map((i) => i.code),
  );
  const decidedThen = decidedItemIds(db, sub.id, lastSeen, stageId);
  const decidedNow = decidedItemIds(db, sub.id, sub.version, stageId);
  return moduleItems
    .filter((i) => changed.has(i.code) && decidedThen.has(i.id) && !decidedNow.has(i.id))
    .map((i) => i.code);
}

/** The adjustment in force on each adjusted item of the submissions (their current versions), by the one rule. */
export function listAdjustmentsInForce(db: Db | Tx, of: { submissionIds: number[] } | { roundId: number }) {
  if ("submissionIds" in of && !of.submissionIds.length) return [];
  const rows = db
    .select({
      submissionId: itemReviews.submissionId,
      itemId: itemReviews.itemId,
      itemCode: items.code,
      action: itemReviews.action,
      adjustedValue: itemReviews.adjustedValue,
      comment: itemReviews.comment,
      stagePosition: reviewStages.position,
      stageNameZh: reviewStages.nameZh,
      stageNameEn: reviewStages.nameEn,
      reviewerName: users.name,
      decidedAt: itemReviews.createdAt,
      carriedFromVersion: itemReviews.carriedFromVersion,
    })
    .from(itemReviews)
    .innerJoin(
      submissions,
      and(eq(submissions.id, itemReviews.submissionId), eq(submissions.version, itemReviews.version)),
    )
    .innerJoin(items, eq(items.id, itemReviews.itemId))
    .innerJoin(reviewStages, eq(reviewStages.id, itemReviews.stageId))
    .innerJoin(users, eq(users.id, itemReviews.reviewerId))
    .where(
      and(
        "roundId" in of ? eq(submissions.roundId, of.roundId) : inArray(itemReviews.submissionId, of.submissionIds),
        // A literal, not a bound parameter: SQLite then reads the partial index of adjustments (schema.ts).
        sql`${itemReviews.action} = 'adjust'`,
      ),
    )
    .all();
  const byItem = new Map<string, typeof rows>();
  for (const row of rows)
    byItem.set(`${row.submissionId}:${row.itemId}`, [...(byItem.get(`${row.submissionId}:${row.itemId}`) ?? []), row]);
  return [...byItem.values()].map((decisions) => adjustmentInForce(decisions)!);
}

export type AdjustmentInForce = ReturnType<typeof listAdjustmentsInForce>[number];
