/**
 * Review of a submission through the round's stages: approving, returning for revision, reopening, and what
 * the review screen reads. Every write re-reads the submission inside an immediate transaction and asks
 * lib/workflow.
 */
import "server-only";
import { and, eq, or } from "drizzle-orm";
import type { SessionUser } from "@/lib/domain";
import { decide } from "@/lib/workflow/transitions";
import { appendAudit } from "./audit";
import type { Db, Tx } from "./client";
import { loadFrameworkShape } from "./framework";
import { carryDecisions, decidedItemIds, itemsNeedingDecision, listAdjustmentsInForce } from "./item-decisions";
import { activeStaffOf, notify, notifyStageReviewers } from "./notifications";
import { openFlagCounts } from "./plausibility";
import { movedOn, names, type Refused, reviewContext } from "./review-context";
import { itemReviews, reviews, submissions, submissionVersions } from "./schema";
import { enqueueWebhookEvent } from "./webhooks";

export function queriesAt(tx: Db | Tx, submissionId: number, version: number, stageId: number) {
  return tx
    .select()
    .from(itemReviews)
    .where(
      and(
        eq(itemReviews.submissionId, submissionId),
        eq(itemReviews.version, version),
        eq(itemReviews.stageId, stageId),
        eq(itemReviews.action, "query"),
      ),
    )
    .all();
}

/**
 * Approves the version at the reviewer's stage: on to the next stage, or verified after the last one.
 * The (submission, version, stage) key of `reviews` lets only one of two concurrent decisions through.
 */
export function approveSubmission(
  db: Db,
  user: SessionUser,
  submissionId: number,
  version: number,
  now = new Date(),
): { ok: true; verified: boolean } | Refused {
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
          .values(
            accepted.map((item) => ({
              submissionId: sub.id,
              itemId: item.id,
              version: sub.version,
              stageId: stage!.id,
              reviewerId: user.id,
              action: "accept" as const,
              createdAt: now,
            })),
          )
          .run();
      }
      tx.insert(reviews)
        .values({
          submissionId: sub.id,
          version: sub.version,
          stageId: stage!.id,
          reviewerId: user.id,
          decision: "approved",
          createdAt: now,
        })
        .run();
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
        after: {
          status: decision.to,
          stage: next.position,
          version: sub.version,
          accepted: accepted.map((i) => i.code),
        },
      });
      const { city, mod, params } = names(tx, sub);
      if (verified) {
        enqueueWebhookEvent(
          tx,
          "verified",
          {
            roundId: sub.roundId,
            cityCode: city.code,
            moduleCode: mod.code,
            version: sub.version,
            submissionId: sub.id,
          },
          now,
        );
        const adjusted = listAdjustmentsInForce(tx, { submissionIds: [sub.id] }).map((a) => a.itemCode);
        const href = `/rounds/${sub.roundId}/cities/${city.code}/modules/${mod.code}`;
        if (adjusted.length)
          notify(
            tx,
            activeStaffOf(tx, sub.cityId).map((u) => u.id),
            "verifiedWithAdjustments",
            { ...params, items: adjusted.join("、") },
            href,
            now,
          );
        else
          notify(
            tx,
            activeStaffOf(tx, sub.cityId).map((u) => u.id),
            "verified",
            params,
            href,
            now,
          );
      } else {
        notifyStageReviewers(tx, sub.id, sub.moduleId, next.id, params, now);
      }
      return { ok: true, verified };
    },
    { behavior: "immediate" },
  );
}

/** Returns the version for revision: needs at least one query; only the queried items reopen for the city. */
export function returnSubmission(
  db: Db,
  user: SessionUser,
  submissionId: number,
  version: number,
  comment: string | null,
  now = new Date(),
): { ok: true; queries: number } | Refused {
  return db.transaction(
    (tx): { ok: true; queries: number } | Refused => {
      const ctx = reviewContext(tx, user, submissionId);
      if (!ctx) return { ok: false, reason: "notFound" };
      const { sub, stage } = ctx;
      const queries = stage ? queriesAt(tx, sub.id, sub.version, stage.id) : [];
      if (movedOn(tx, user, ctx, version)) return { ok: false, reason: "alreadyDecided" };
      const decision = decide("return", { ...ctx.workflow, hasQuery: queries.length > 0 });
      if (!decision.ok) return decision;
      tx.insert(reviews)
        .values({
          submissionId: sub.id,
          version: sub.version,
          stageId: stage!.id,
          reviewerId: user.id,
          decision: "returned",
          comment: comment?.trim() || null,
          createdAt: now,
        })
        .run();
      tx.update(submissions).set({ status: decision.to, updatedAt: now }).where(eq(submissions.id, sub.id)).run();
      appendAudit(tx, {
        actorId: user.id,
        action: "submission.returned",
        entityType: "submission",
        entityId: sub.id,
        roundId: sub.roundId,
        cityId: sub.cityId,
        before: { status: sub.status, version: sub.version },
        after: {
          status: decision.to,
          version: sub.version,
          stage: stage!.position,
          queries: queries.length,
          comment: comment?.trim() || null,
        },
      });
      const { city, mod, params } = names(tx, sub);
      const note = comment?.trim();
      enqueueWebhookEvent(
        tx,
        "returned",
        {
          roundId: sub.roundId,
          cityCode: city.code,
          moduleCode: mod.code,
          version: sub.version,
          submissionId: sub.id,
          queries: queries.length,
        },
        now,
      );
      const href = `/rounds/${sub.roundId}/cities/${city.code}/modules/${mod.code}`;
      if (note)
        notify(
          tx,
          activeStaffOf(tx, sub.cityId).map((u) => u.id),
          "returnedWithNote",
          { ...params, queries: queries.length, note },
          href,
          now,
        );
      else
        notify(
          tx,
          activeStaffOf(tx, sub.cityId).map((u) => u.id),
          "returned",
          { ...params, queries: queries.length },
          href,
          now,
        );
      return { ok: true, queries: queries.length };
    },
    { behavior: "immediate" },
  );
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
        .where(
          and(
            eq(itemReviews.submissionId, sub.id),
            eq(itemReviews.version, sub.version),
            or(eq(itemReviews.action, "query"), eq(itemReviews.action, "adjust")),
          ),
        )
        .get();
    // A plausibility flag nobody has weighed yet also needs a look before approving.
    if (!sub || flagged || (openFlagCounts(db, [sub.id]).get(sub.id) ?? 0) > 0) {
      results.push({ submissionId, ok: false, reason: sub ? "notClean" : "notFound" });
      continue;
    }
    const result = approveSubmission(db, user, submissionId, sub.version, now);
    results.push(result.ok ? { submissionId, ok: true } : { submissionId, ok: false, reason: result.reason });
  }
  return results;
}

/**
 * An admin reopens a verified module, with a reason: the same answers become a new version that goes back
 * to the first stage, so that every stage reviews it again and the earlier decisions stay on record.
 */
export function reopenSubmission(
  db: Db,
  user: SessionUser,
  submissionId: number,
  reason: string,
  now = new Date(),
): { ok: true; version: number } | Refused {
  return db.transaction(
    (tx): { ok: true; version: number } | Refused => {
      const ctx = reviewContext(tx, user, submissionId);
      if (!ctx) return { ok: false, reason: "notFound" };
      const { sub, stages } = ctx;
      const decision = decide("reopen", { ...ctx.workflow, reason });
      if (!decision.ok) return decision;
      const frozen = tx
        .select()
        .from(submissionVersions)
        .where(and(eq(submissionVersions.submissionId, sub.id), eq(submissionVersions.version, sub.version)))
        .get()!;
      const version = sub.version + 1;
      tx.insert(submissionVersions)
        .values({ submissionId: sub.id, version, snapshot: frozen.snapshot, submittedBy: user.id, createdAt: now })
        .run();
      tx.update(submissions)
        .set({ status: decision.to, version, stageId: stages[0]!.id, verifiedAt: null, updatedAt: now })
        .where(eq(submissions.id, sub.id))
        .run();
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
      const { city, mod, params } = names(tx, sub);
      notifyStageReviewers(tx, sub.id, sub.moduleId, stages[0]!.id, { ...params, version }, now);
      // A receiver that took the verified values must learn they are under review again.
      enqueueWebhookEvent(
        tx,
        "reopened",
        {
          roundId: sub.roundId,
          cityCode: city.code,
          moduleCode: mod.code,
          version,
          submissionId: sub.id,
          reason: reason.trim(),
        },
        now,
      );
      return { ok: true, version };
    },
    { behavior: "immediate" },
  );
}
