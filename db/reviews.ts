/**
 * Review of submissions through the round's stages: item decisions (accept / adjust / query), approval,
 * return for revision, the city's replies, and what reviewers read (diffs, history, timeline).
 * Every write re-reads the submission inside an immediate transaction and asks lib/workflow.
 */
import "server-only";
import { and, asc, desc, eq, inArray, isNull, ne, or } from "drizzle-orm";
import type { SessionUser } from "@/lib/domain";
import { isInSubmittedVersion, mayActForCity, mayDecideAtStage, maySeeSubmission } from "@/lib/auth/policy";
import { adjustmentInForce, changedItemCodes } from "@/lib/review/value-in-force";
import { decide, type WorkflowRefusal } from "@/lib/workflow/transitions";
import { reviewerAssignments } from "./assignments";
import { appendAudit } from "./audit";
import type { Db, Tx } from "./client";
import { loadFrameworkShape } from "./framework";
import {
  answers,
  auditLog,
  cities,
  evidence,
  itemReviews,
  items,
  modules,
  notifications,
  reviewAssignments,
  reviews,
  reviewStages,
  rounds,
  submissions,
  submissionVersions,
  users,
} from "./schema";

export type ReviewRefusal = WorkflowRefusal | "notFound" | "staleVersion" | "alreadyDecided" | "resolveQueriesFirst" | "decideChangedItemsFirst";
type Refused = { ok: false; reason: ReviewRefusal; itemCodes?: string[] };

/** The submission and what the workflow needs to know about this reviewer's position on it. */
function reviewContext(tx: Db | Tx, user: SessionUser, submissionId: number) {
  const sub = tx.select().from(submissions).where(eq(submissions.id, submissionId)).get();
  if (!sub) return null;
  const round = tx.select().from(rounds).where(eq(rounds.id, sub.roundId)).get()!;
  const stages = tx.select().from(reviewStages).where(eq(reviewStages.roundId, sub.roundId)).orderBy(asc(reviewStages.position)).all();
  const stage = stages.find((s) => s.id === sub.stageId) ?? null;
  const assigned = mayDecideAtStage(user, sub, reviewerAssignments(tx, user));
  const otherStage = (table: typeof reviews | typeof itemReviews) =>
    !!tx
      .select({ id: table.id })
      .from(table)
      .where(and(eq(table.submissionId, sub.id), eq(table.version, sub.version), eq(table.reviewerId, user.id), stage ? ne(table.stageId, stage.id) : undefined))
      .get();
  const reviewedAtOtherStage = otherStage(reviews) || otherStage(itemReviews);
  const lastStage = !!stage && stage.position === stages.at(-1)?.position;
  const workflow = { role: user.role, state: sub.status, roundStatus: round.status, assigned, reviewedAtOtherStage, lastStage };
  return { sub, round, stages, stage, workflow };
}

/**
 * Whether the page a reviewer acted on is out of date: a newer version, or the submission has left their
 * stage (another reviewer decided first). Tells them so rather than a bare refusal.
 */
function movedOn(tx: Db | Tx, user: SessionUser, ctx: NonNullable<ReturnType<typeof reviewContext>>, version: number): boolean {
  if (user.role !== "reviewer") return false;
  const mine = tx
    .select({ position: reviewStages.position })
    .from(reviewAssignments)
    .innerJoin(reviewStages, eq(reviewStages.id, reviewAssignments.stageId))
    .where(and(eq(reviewAssignments.reviewerId, user.id), eq(reviewAssignments.moduleId, ctx.sub.moduleId)))
    .all()
    .map((r) => r.position);
  if (!mine.length) return false;
  if (ctx.sub.version !== version || !["submitted", "in_review"].includes(ctx.sub.status)) return true;
  const current = ctx.stage?.position ?? 0;
  return !mine.includes(current) && mine.some((p) => p < current);
}

function staffOf(tx: Tx, cityId: number) {
  return tx.select({ id: users.id }).from(users).where(and(eq(users.cityId, cityId), eq(users.active, true))).all();
}

function notify(tx: Tx, userIds: number[], kind: string, params: Record<string, string | number>, href: string, now: Date) {
  if (userIds.length) tx.insert(notifications).values(userIds.map((userId) => ({ userId, kind, params, href, createdAt: now }))).run();
}

/** Tells the reviewers assigned to a module at a stage that a version awaits them. */
export function notifyStageReviewers(tx: Tx, submissionId: number, moduleId: number, stageId: number, params: Record<string, string | number>, now: Date) {
  const reviewers = tx
    .select({ id: reviewAssignments.reviewerId })
    .from(reviewAssignments)
    .where(and(eq(reviewAssignments.moduleId, moduleId), eq(reviewAssignments.stageId, stageId)))
    .all();
  notify(tx, reviewers.map((r) => r.id), "submitted", params, `/review/submissions/${submissionId}`, now);
}

function names(tx: Db | Tx, sub: typeof submissions.$inferSelect) {
  const city = tx.select().from(cities).where(eq(cities.id, sub.cityId)).get()!;
  const mod = tx.select().from(modules).where(eq(modules.id, sub.moduleId)).get()!;
  return { city, mod, params: { cityZh: city.nameZh, cityEn: city.nameEn, moduleZh: mod.nameZh, moduleEn: mod.nameEn, version: sub.version } };
}

export type ItemDecision =
  | { action: "accept"; comment?: string | null }
  | { action: "adjust"; adjustedValue: unknown; comment: string }
  | { action: "query"; comment: string };

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
      const inModule = item && loadFrameworkShape(tx, sub.roundId, [sub.moduleId])[0]?.indicators.some((i) => i.items.some((x) => x.id === item.id));
      if (!item || !inModule) return { ok: false, reason: "notFound" };
      if (movedOn(tx, user, ctx, input.version)) return { ok: false, reason: "alreadyDecided" };
      const decision = decide("review_item", ctx.workflow);
      if (!decision.ok) return decision;
      const key = and(eq(itemReviews.submissionId, sub.id), eq(itemReviews.itemId, item.id), eq(itemReviews.version, sub.version), eq(itemReviews.stageId, stage!.id));
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
      else tx.insert(itemReviews).values({ submissionId: sub.id, itemId: item.id, version: sub.version, stageId: stage!.id, ...values }).run();
      if (sub.status !== decision.to) tx.update(submissions).set({ status: decision.to, updatedAt: now }).where(eq(submissions.id, sub.id)).run();
      appendAudit(tx, {
        actorId: user.id,
        action: `item.${input.action}`,
        entityType: "submission",
        entityId: sub.id,
        roundId: sub.roundId,
        cityId: sub.cityId,
        before: before ? { itemCode: item.code, action: before.action, adjustedValue: before.adjustedValue, comment: before.comment } : null,
        after: { itemCode: item.code, version: sub.version, stage: stage!.position, action: input.action, adjustedValue: values.adjustedValue, comment: values.comment },
      });
      return { ok: true };
    },
    { behavior: "immediate" },
  );
}

function queriesAt(tx: Db | Tx, submissionId: number, version: number, stageId: number) {
  return tx
    .select()
    .from(itemReviews)
    .where(and(eq(itemReviews.submissionId, submissionId), eq(itemReviews.version, version), eq(itemReviews.stageId, stageId), eq(itemReviews.action, "query")))
    .all();
}

/**
 * Approves the version at the reviewer's stage: on to the next stage, or verified after the last one.
 * The (submission, version, stage) key of `reviews` lets only one of two concurrent decisions through.
 */
export function approveSubmission(db: Db, user: SessionUser, submissionId: number, version: number, now = new Date()): { ok: true; verified: boolean } | Refused {
  return db.transaction(
    (tx): { ok: true; verified: boolean } | Refused => {
      const ctx = reviewContext(tx, user, submissionId);
      if (!ctx) return { ok: false, reason: "notFound" };
      const { sub, stage, stages } = ctx;
      if (movedOn(tx, user, ctx, version)) return { ok: false, reason: "alreadyDecided" };
      const decision = decide("approve", ctx.workflow);
      if (!decision.ok) return decision;
      if (queriesAt(tx, sub.id, sub.version, stage!.id).length) return { ok: false, reason: "resolveQueriesFirst" };
      const undecidedChanges = itemsNeedingDecision(tx, sub, stage!.id);
      if (undecidedChanges.length) return { ok: false, reason: "decideChangedItemsFirst", itemCodes: undecidedChanges };
      // Approving is the reviewer's judgement of every item not otherwise decided (a link included: that it works).
      const moduleItems = loadFrameworkShape(tx, sub.roundId, [sub.moduleId])[0]!.indicators.flatMap((i) => i.items);
      const decided = decidedItemIds(tx, sub.id, sub.version, stage!.id);
      const accepted = moduleItems.filter((item) => !decided.has(item.id));
      if (accepted.length) {
        tx.insert(itemReviews)
          .values(accepted.map((item) => ({ submissionId: sub.id, itemId: item.id, version: sub.version, stageId: stage!.id, reviewerId: user.id, action: "accept" as const, createdAt: now })))
          .run();
      }
      tx.insert(reviews).values({ submissionId: sub.id, version: sub.version, stageId: stage!.id, reviewerId: user.id, decision: "approved", createdAt: now }).run();
      const verified = decision.to === "verified";
      const next = verified ? stage! : stages[stages.indexOf(stage!) + 1]!;
      tx.update(submissions)
        .set({ status: decision.to, stageId: next.id, verifiedAt: verified ? now : null, updatedAt: now })
        .where(eq(submissions.id, sub.id))
        .run();
      appendAudit(tx, {
        actorId: user.id,
        action: verified ? "submission.verified" : "submission.approved",
        entityType: "submission",
        entityId: sub.id,
        roundId: sub.roundId,
        cityId: sub.cityId,
        before: { status: sub.status, stage: stage!.position, version: sub.version },
        after: { status: decision.to, stage: next.position, version: sub.version, accepted: accepted.map((i) => i.code) },
      });
      const { city, mod, params } = names(tx, sub);
      if (verified) {
        const adjusted = listAdjustmentsInForce(tx, { submissionIds: [sub.id] }).map((a) => a.itemCode);
        const href = `/rounds/${sub.roundId}/cities/${city.code}/modules/${mod.code}`;
        if (adjusted.length) notify(tx, staffOf(tx, sub.cityId).map((u) => u.id), "verifiedWithAdjustments", { ...params, items: adjusted.join("、") }, href, now);
        else notify(tx, staffOf(tx, sub.cityId).map((u) => u.id), "verified", params, href, now);
      } else {
        notifyStageReviewers(tx, sub.id, sub.moduleId, next.id, params, now);
      }
      return { ok: true, verified };
    },
    { behavior: "immediate" },
  );
}

/** Returns the version for revision: needs at least one query; only the queried items reopen for the city. */
export function returnSubmission(db: Db, user: SessionUser, submissionId: number, version: number, comment: string | null, now = new Date()): { ok: true; queries: number } | Refused {
  return db.transaction(
    (tx): { ok: true; queries: number } | Refused => {
      const ctx = reviewContext(tx, user, submissionId);
      if (!ctx) return { ok: false, reason: "notFound" };
      const { sub, stage } = ctx;
      const queries = stage ? queriesAt(tx, sub.id, sub.version, stage.id) : [];
      if (movedOn(tx, user, ctx, version)) return { ok: false, reason: "alreadyDecided" };
      const decision = decide("return", { ...ctx.workflow, hasQuery: queries.length > 0 });
      if (!decision.ok) return decision;
      tx.insert(reviews).values({ submissionId: sub.id, version: sub.version, stageId: stage!.id, reviewerId: user.id, decision: "returned", comment: comment?.trim() || null, createdAt: now }).run();
      tx.update(submissions).set({ status: decision.to, updatedAt: now }).where(eq(submissions.id, sub.id)).run();
      appendAudit(tx, {
        actorId: user.id,
        action: "submission.returned",
        entityType: "submission",
        entityId: sub.id,
        roundId: sub.roundId,
        cityId: sub.cityId,
        before: { status: sub.status, version: sub.version },
        after: { status: decision.to, version: sub.version, stage: stage!.position, queries: queries.length, comment: comment?.trim() || null },
      });
      const { city, mod, params } = names(tx, sub);
      const note = comment?.trim();
      const href = `/rounds/${sub.roundId}/cities/${city.code}/modules/${mod.code}`;
      if (note) notify(tx, staffOf(tx, sub.cityId).map((u) => u.id), "returnedWithNote", { ...params, queries: queries.length, note }, href, now);
      else notify(tx, staffOf(tx, sub.cityId).map((u) => u.id), "returned", { ...params, queries: queries.length }, href, now);
      return { ok: true, queries: queries.length };
    },
    { behavior: "immediate" },
  );
}

/** Item ids the city may change in a returned submission: those queried in the return of its current version. */
export function reopenedItemIds(db: Db | Tx, submissionId: number, version: number): Set<number> {
  const rows = db
    .select({ itemId: itemReviews.itemId })
    .from(itemReviews)
    .where(and(eq(itemReviews.submissionId, submissionId), eq(itemReviews.version, version), eq(itemReviews.action, "query")))
    .all();
  return new Set(rows.map((r) => r.itemId));
}

/** The city's answer to a reviewer's query on the returned version. */
export function replyToQuery(db: Db, user: SessionUser, itemReviewId: number, reply: string, now = new Date()): { ok: true } | Refused {
  return db.transaction(
    (tx): { ok: true } | Refused => {
      const row = tx.select().from(itemReviews).where(and(eq(itemReviews.id, itemReviewId), eq(itemReviews.action, "query"))).get();
      const sub = row && tx.select().from(submissions).where(eq(submissions.id, row.submissionId)).get();
      if (!row || !sub || !mayActForCity(user, sub.cityId)) return { ok: false, reason: "notFound" };
      const round = tx.select().from(rounds).where(eq(rounds.id, sub.roundId)).get()!;
      const decision = decide("reply", { role: user.role, state: sub.status, roundStatus: round.status });
      if (!decision.ok) return decision;
      if (row.version !== sub.version) return { ok: false, reason: "staleVersion" };
      tx.update(itemReviews).set({ cityReply: reply.trim(), repliedBy: user.id, repliedAt: now }).where(eq(itemReviews.id, row.id)).run();
      const item = tx.select({ code: items.code }).from(items).where(eq(items.id, row.itemId)).get()!;
      appendAudit(tx, {
        actorId: user.id,
        action: "query.replied",
        entityType: "submission",
        entityId: sub.id,
        roundId: sub.roundId,
        cityId: sub.cityId,
        before: row.cityReply ? { itemCode: item.code, reply: row.cityReply } : null,
        after: { itemCode: item.code, version: row.version, reply: reply.trim() },
      });
      return { ok: true };
    },
    { behavior: "immediate" },
  );
}

/**
 * Everything the review screen shows about one submission, or null unless lib/auth/policy.ts lets this user
 * (an admin, or a reviewer assigned to its module) see it; the review screen is not the city's, so never a draft.
 */
export function getReviewData(db: Db, user: SessionUser, submissionId: number) {
  const ctx = reviewContext(db, user, submissionId);
  if (!ctx || ctx.sub.version === 0 || user.role === "city_staff" || !maySeeSubmission(user, ctx.sub, reviewerAssignments(db, user))) return null;
  const { sub } = ctx;
  const [shape] = loadFrameworkShape(db, sub.roundId, [sub.moduleId]);
  const { city, mod } = names(db, sub);
  const versions = db.select().from(submissionVersions).where(eq(submissionVersions.submissionId, sub.id)).orderBy(asc(submissionVersions.version)).all();
  const itemReviewRows = db
    .select({ review: itemReviews, reviewerName: users.name, stagePosition: reviewStages.position })
    .from(itemReviews)
    .innerJoin(users, eq(users.id, itemReviews.reviewerId))
    .innerJoin(reviewStages, eq(reviewStages.id, itemReviews.stageId))
    .where(eq(itemReviews.submissionId, sub.id))
    .orderBy(asc(itemReviews.version), asc(reviewStages.position))
    .all();
  const decisions = db
    .select({ review: reviews, reviewerName: users.name, stagePosition: reviewStages.position })
    .from(reviews)
    .innerJoin(users, eq(users.id, reviews.reviewerId))
    .innerJoin(reviewStages, eq(reviewStages.id, reviews.stageId))
    .where(eq(reviews.submissionId, sub.id))
    .orderBy(asc(reviews.createdAt))
    .all();
  const timeline = db
    .select({ at: auditLog.at, action: auditLog.action, before: auditLog.before, after: auditLog.after, actorName: users.name })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(and(eq(auditLog.entityType, "submission"), eq(auditLog.entityId, String(sub.id))))
    .orderBy(desc(auditLog.id))
    .all();
  // While the city revises a returned module its live answers are a draft: reviewers see what was submitted.
  const locked = sub.status === "submitted" || sub.status === "in_review" || sub.status === "verified";
  const itemIdOf = new Map((shape?.indicators.flatMap((i) => i.items) ?? []).map((i) => [i.code, i.id]));
  const answerRows: { itemId: number; value: unknown; notApplicableReason: string | null }[] = locked
    ? db.select().from(answers).where(eq(answers.submissionId, sub.id)).all()
    : (versions.at(-1)?.snapshot.answers ?? []).flatMap((a) => (itemIdOf.has(a.itemCode) ? [{ itemId: itemIdOf.get(a.itemCode)!, value: a.value, notApplicableReason: a.notApplicableReason }] : []));
  // Files the city uploaded after its last submission belong to its next draft, not to this review.
  const lastSubmittedAt = versions.at(-1)?.createdAt ?? null;
  const evidenceRows = db
    .select()
    .from(evidence)
    .where(and(eq(evidence.submissionId, sub.id), isNull(evidence.deletedAt)))
    .all()
    .filter((e) => isInSubmittedVersion(e, lastSubmittedAt));
  const needsDecision = ctx.stage && ctx.sub.status !== "verified" ? itemsNeedingDecision(db, sub, ctx.stage.id) : [];
  return { ...ctx, city, module: mod, shape, versions, itemReviewRows, decisions, timeline, answerRows, evidenceRows, needsDecision };
}

/** Submissions at the reviewer's stages with no open query and no adjustment in their current version. */
export function bulkApprove(db: Db, user: SessionUser, submissionIds: number[], now = new Date()) {
  const results: { submissionId: number; ok: boolean; reason?: string }[] = [];
  for (const submissionId of submissionIds) {
    const sub = db.select().from(submissions).where(eq(submissions.id, submissionId)).get();
    const flagged =
      sub &&
      db
        .select({ id: itemReviews.id })
        .from(itemReviews)
        .where(and(eq(itemReviews.submissionId, sub.id), eq(itemReviews.version, sub.version), or(eq(itemReviews.action, "query"), eq(itemReviews.action, "adjust"))))
        .get();
    if (!sub || flagged) {
      results.push({ submissionId, ok: false, reason: sub ? "notClean" : "notFound" });
      continue;
    }
    const result = approveSubmission(db, user, submissionId, sub.version, now);
    results.push(result.ok ? { submissionId, ok: true } : { submissionId, ok: false, reason: result.reason });
  }
  return results;
}

/** Every query on the submission's items, oldest first, for the city's questionnaire. */
export function listQueriesForCity(db: Db, submissionId: number) {
  return db
    .select({
      id: itemReviews.id,
      itemId: itemReviews.itemId,
      version: itemReviews.version,
      stagePosition: reviewStages.position,
      comment: itemReviews.comment,
      reply: itemReviews.cityReply,
      repliedAt: itemReviews.repliedAt,
    })
    .from(itemReviews)
    .innerJoin(reviewStages, eq(reviewStages.id, itemReviews.stageId))
    .where(and(eq(itemReviews.submissionId, submissionId), eq(itemReviews.action, "query")))
    .orderBy(asc(itemReviews.version), asc(reviewStages.position))
    .all();
}

/**
 * An admin reopens a verified module, with a reason: the same answers become a new version that goes back
 * to the first stage, so that every stage reviews it again and the earlier decisions stay on record.
 */
export function reopenSubmission(db: Db, user: SessionUser, submissionId: number, reason: string, now = new Date()): { ok: true; version: number } | Refused {
  return db.transaction(
    (tx): { ok: true; version: number } | Refused => {
      const ctx = reviewContext(tx, user, submissionId);
      if (!ctx) return { ok: false, reason: "notFound" };
      const { sub, stages } = ctx;
      const decision = decide("reopen", { ...ctx.workflow, reason });
      if (!decision.ok) return decision;
      const frozen = tx.select().from(submissionVersions).where(and(eq(submissionVersions.submissionId, sub.id), eq(submissionVersions.version, sub.version))).get()!;
      const version = sub.version + 1;
      tx.insert(submissionVersions).values({ submissionId: sub.id, version, snapshot: frozen.snapshot, submittedBy: user.id, createdAt: now }).run();
      tx.update(submissions).set({ status: decision.to, version, stageId: stages[0]!.id, verifiedAt: null, updatedAt: now }).where(eq(submissions.id, sub.id)).run();
      // The answers are the same: every decision stays in force until a reviewer withdraws or replaces it.
      carryDecisions(tx, sub.id, sub.version, version, new Set());
      appendAudit(tx, {
        actorId: user.id,
        action: "submission.reopened",
        entityType: "submission",
        entityId: sub.id,
        roundId: sub.roundId,
        cityId: sub.cityId,
        before: { status: sub.status, version: sub.version },
        after: { status: decision.to, version, reason: reason.trim() },
      });
      const { params } = names(tx, sub);
      notifyStageReviewers(tx, sub.id, sub.moduleId, stages[0]!.id, { ...params, version }, now);
      return { ok: true, version };
    },
    { behavior: "immediate" },
  );
}

/**
 * Carries the accept and adjust decisions of `fromVersion` on every item the city did not change into
 * `toVersion`, at the same stage and by the same reviewer, marked with the version they were made on.
 * Queries are not carried: resubmitting answers them.
 */
export function carryDecisions(tx: Tx, submissionId: number, fromVersion: number, toVersion: number, changedItemIds: Set<number>) {
  const rows = tx
    .select()
    .from(itemReviews)
    .where(and(eq(itemReviews.submissionId, submissionId), eq(itemReviews.version, fromVersion), ne(itemReviews.action, "query")))
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
export function changedSinceLastVersion(db: Db | Tx, submissionId: number, version: number, itemCodes: string[]): Set<string> {
  if (version < 2) return new Set();
  const [previous, current] = db
    .select()
    .from(submissionVersions)
    .where(and(eq(submissionVersions.submissionId, submissionId), or(eq(submissionVersions.version, version - 1), eq(submissionVersions.version, version))))
    .orderBy(asc(submissionVersions.version))
    .all();
  return current ? changedItemCodes(previous?.snapshot, current.snapshot, itemCodes) : new Set();
}

function decidedItemIds(db: Db | Tx, submissionId: number, version: number, stageId: number): Set<number> {
  return new Set(
    db
      .select({ itemId: itemReviews.itemId })
      .from(itemReviews)
      .where(and(eq(itemReviews.submissionId, submissionId), eq(itemReviews.version, version), eq(itemReviews.stageId, stageId)))
      .all()
      .map((r) => r.itemId),
  );
}

/**
 * The items the city changed since the last version this stage decided on, which the stage decided then and
 * has not decided again: the stage's approval waits for a fresh decision on each. A stage that never saw an
 * earlier version judges the whole version afresh.
 */
export function itemsNeedingDecision(db: Db | Tx, sub: Pick<typeof submissions.$inferSelect, "id" | "version" | "roundId" | "moduleId">, stageId: number): string[] {
  if (sub.version < 2) return [];
  const lastSeen = db
    .select({ version: itemReviews.version })
    .from(itemReviews)
    .where(and(eq(itemReviews.submissionId, sub.id), eq(itemReviews.stageId, stageId), ne(itemReviews.version, sub.version)))
    .orderBy(desc(itemReviews.version))
    .get()?.version;
  if (lastSeen === undefined) return [];
  const moduleItems = loadFrameworkShape(db, sub.roundId, [sub.moduleId])[0]!.indicators.flatMap((i) => i.items);
  const snapshots = db.select().from(submissionVersions).where(eq(submissionVersions.submissionId, sub.id)).all();
  const then = snapshots.find((v) => v.version === lastSeen)?.snapshot;
  const now = snapshots.find((v) => v.version === sub.version)?.snapshot;
  if (!then || !now) return [];
  const changed = changedItemCodes(then, now, moduleItems.map((i) => i.code));
  const decidedThen = decidedItemIds(db, sub.id, lastSeen, stageId);
  const decidedNow = decidedItemIds(db, sub.id, sub.version, stageId);
  return moduleItems.filter((i) => changed.has(i.code) && decidedThen.has(i.id) && !decidedNow.has(i.id)).map((i) => i.code);
}

/** A reviewer withdraws their stage's decision on an item of the current version (a carried one included). */
export function withdrawItemDecision(db: Db, user: SessionUser, input: { submissionId: number; itemId: number; version: number }): { ok: true } | Refused {
  return db.transaction(
    (tx): { ok: true } | Refused => {
      const ctx = reviewContext(tx, user, input.submissionId);
      if (!ctx) return { ok: false, reason: "notFound" };
      const { sub, stage } = ctx;
      if (movedOn(tx, user, ctx, input.version)) return { ok: false, reason: "alreadyDecided" };
      const decision = decide("review_item", ctx.workflow);
      if (!decision.ok) return decision;
      const key = and(eq(itemReviews.submissionId, sub.id), eq(itemReviews.itemId, input.itemId), eq(itemReviews.version, sub.version), eq(itemReviews.stageId, stage!.id));
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
        before: { itemCode: item.code, version: sub.version, stage: stage!.position, action: before.action, adjustedValue: before.adjustedValue, comment: before.comment, carriedFromVersion: before.carriedFromVersion },
        after: null,
      });
      return { ok: true };
    },
    { behavior: "immediate" },
  );
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
    .innerJoin(submissions, and(eq(submissions.id, itemReviews.submissionId), eq(submissions.version, itemReviews.version)))
    .innerJoin(items, eq(items.id, itemReviews.itemId))
    .innerJoin(reviewStages, eq(reviewStages.id, itemReviews.stageId))
    .innerJoin(users, eq(users.id, itemReviews.reviewerId))
    .where(and("roundId" in of ? eq(submissions.roundId, of.roundId) : inArray(itemReviews.submissionId, of.submissionIds), eq(itemReviews.action, "adjust")))
    .all();
  const byItem = new Map<string, typeof rows>();
  for (const row of rows) byItem.set(`${row.submissionId}:${row.itemId}`, [...(byItem.get(`${row.submissionId}:${row.itemId}`) ?? []), row]);
  return [...byItem.values()].map((decisions) => adjustmentInForce(decisions)!);
}
export type AdjustmentInForce = ReturnType<typeof listAdjustmentsInForce>[number];

/** Why the submission's current version was returned: the stage, when, and the reviewer's note (null if none). */
export function getReturnNote(db: Db | Tx, submissionId: number) {
  return (
    db
      .select({ comment: reviews.comment, at: reviews.createdAt, version: reviews.version, stageNameZh: reviewStages.nameZh, stageNameEn: reviewStages.nameEn })
      .from(reviews)
      .innerJoin(submissions, and(eq(submissions.id, reviews.submissionId), eq(submissions.version, reviews.version)))
      .innerJoin(reviewStages, eq(reviewStages.id, reviews.stageId))
      .where(and(eq(reviews.submissionId, submissionId), eq(reviews.decision, "returned")))
      .orderBy(desc(reviews.createdAt))
      .get() ?? null
  );
}

/** The module's history as the city reads it: each version submitted and each stage's decision, oldest first. */
export function listCityTimeline(db: Db | Tx, submissionId: number) {
  const submitted = db
    .select({ version: submissionVersions.version, at: submissionVersions.createdAt, byName: users.name })
    .from(submissionVersions)
    .leftJoin(users, eq(users.id, submissionVersions.submittedBy))
    .where(eq(submissionVersions.submissionId, submissionId))
    .all()
    .map((v) => ({ kind: "submitted" as const, ...v, stageNameZh: null, stageNameEn: null, comment: null }));
  const decided = db
    .select({ version: reviews.version, at: reviews.createdAt, decision: reviews.decision, comment: reviews.comment, stageNameZh: reviewStages.nameZh, stageNameEn: reviewStages.nameEn })
    .from(reviews)
    .innerJoin(reviewStages, eq(reviewStages.id, reviews.stageId))
    .where(eq(reviews.submissionId, submissionId))
    .all()
    .map(({ decision, ...r }) => ({ kind: decision, ...r, byName: null }));
  return [...submitted, ...decided].sort((a, b) => a.at.getTime() - b.at.getTime() || a.version - b.version);
}
