/**
 * Appeals (复核申诉) in a round's correction window: city staff appeal the decision on an item of a verified
 * module; a reviewer of the stage whose decision is in force (or one an admin assigned) upholds it or amends
 * the value. An amendment becomes that stage's adjustment on the item, so the one value-in-force rule scores it.
 * A little over 300 lines: the three writes of one workflow (file, assign, decide) and the rule of who decides
 * stay together; the lists people read are in ./appeal-lists.ts.
 */
import "server-only";
import { and, asc, eq } from "drizzle-orm";
import { actingCityOf, mayActForCity, mayDecideAppeal } from "@/lib/auth/policy";
import type { SessionUser } from "@/lib/domain";
import { appealRefusal, isCorrectionWindowOpen } from "@/lib/review/appeals";
import { decideRound, type RoundRefusal } from "@/lib/workflow/round-lifecycle";
import { reviewerAssignments } from "./assignments";
import { appendAudit } from "./audit";
import { isCalibratingModule } from "./calibration";
import type { Db, Tx } from "./client";
import { listAdjustmentsInForce } from "./item-decisions";
import { activeStaffOf } from "./notifications";
import {
  appeals,
  cities,
  indicators,
  itemReviews,
  items,
  notifications,
  reviewAssignments,
  reviewStages,
  rounds,
  submissions,
  users,
} from "./schema";

type Appeal = typeof appeals.$inferSelect;

type Submission = typeof submissions.$inferSelect;

export type AppealRefusal =
  | "notFound"
  | "roleNotAllowed"
  | "windowClosed"
  | "notVerified"
  | "notScored"
  | "alreadyAppealed"
  | "notAssigned"
  | "alreadyDecided"
  | RoundRefusal;

/** The stage whose decision on the item is in force: the adjusting stage, or else the last stage (which approved it). */
function decidingStage(db: Db | Tx, sub: Submission, itemId: number) {
  const adjustment = listAdjustmentsInForce(db, { submissionIds: [sub.id] }).find((a) => a.itemId === itemId);
  const stages = db
    .select()
    .from(reviewStages)
    .where(eq(reviewStages.roundId, sub.roundId))
    .orderBy(asc(reviewStages.position))
    .all();
  return (adjustment && stages.find((s) => s.position === adjustment.stagePosition)) ?? stages.at(-1)!;
}

/** Who decides the appeal: the reviewer an admin assigned, or else the reviewers of the deciding stage. */
export function deciders(db: Db | Tx, appeal: Appeal, sub: Submission): number[] {
  if (appeal.assignedTo) return [appeal.assignedTo];
  const stage = decidingStage(db, sub, appeal.itemId);
  return db
    .select({ id: reviewAssignments.reviewerId })
    .from(reviewAssignments)
    .where(and(eq(reviewAssignments.moduleId, sub.moduleId), eq(reviewAssignments.stageId, stage.id)))
    .all()
    .map((r) => r.id);
}

function notify(
  tx: Tx,
  userIds: number[],
  kind: string,
  params: Record<string, string | number>,
  href: string,
  now: Date,
) {
  if (userIds.length)
    tx.insert(notifications)
      .values(userIds.map((userId) => ({ userId, kind, params, href, createdAt: now })))
      .run();
}

function itemWithModule(db: Db | Tx, itemId: number) {
  return db
    .select({ item: items, moduleId: indicators.moduleId })
    .from(items)
    .innerJoin(indicators, eq(indicators.id, items.indicatorId))
    .where(eq(items.id, itemId))
    .get();
}

/** City staff appeal the decision on one item of their verified module, while the window is open. */
export function fileAppeal(
  db: Db,
  user: SessionUser,
  input: { itemId: number; reason: string; evidenceUrl?: string | null },
  now = new Date(),
): { ok: true; id: number } | { ok: false; reason: AppealRefusal } {
  return db.transaction(
    (tx): { ok: true; id: number } | { ok: false; reason: AppealRefusal } => {
      const cityId = actingCityOf(user);
      // Appealing is the city's lead's, never a department user's.
      if (cityId === null || !mayActForCity(user, cityId)) return { ok: false, reason: "roleNotAllowed" };
      const found = itemWithModule(tx, input.itemId);
      if (!found) return { ok: false, reason: "notFound" };
      const { item, moduleId } = found;
      const round = tx.select().from(rounds).where(eq(rounds.id, item.roundId)).get()!;
      const sub = tx
        .select()
        .from(submissions)
        .where(
          and(eq(submissions.roundId, round.id), eq(submissions.cityId, cityId), eq(submissions.moduleId, moduleId)),
        )
        .get();
      if (!sub) return { ok: false, reason: "notFound" };
      const pending = tx
        .select({ id: appeals.id })
        .from(appeals)
        .where(and(eq(appeals.submissionId, sub.id), eq(appeals.itemId, item.id), eq(appeals.status, "open")))
        .get();
      const refusal = appealRefusal({
        windowOpen: isCorrectionWindowOpen(round, now),
        verified: sub.status === "verified",
        maxPoints: item.maxPoints,
        openAppeal: !!pending,
      });
      if (refusal) return { ok: false, reason: refusal };
      // The window is only ever open in an open round; the lifecycle holds all the same (and says who may).
      const lifecycle = decideRound("file_appeal", { status: round.status, role: user.role });
      if (!lifecycle.ok) return lifecycle;
      const appeal = tx
        .insert(appeals)
        .values({
          roundId: round.id,
          submissionId: sub.id,
          itemId: item.id,
          version: sub.version,
          filedBy: user.id,
          reason: input.reason.trim(),
          evidenceUrl: input.evidenceUrl || null,
          filedAt: now,
        })
        .returning()
        .get();
      appendAudit(tx, {
        actorId: user.id,
        action: "appeal.filed",
        entityType: "submission",
        entityId: sub.id,
        roundId: round.id,
        cityId: sub.cityId,
        before: null,
        after: {
          appealId: appeal.id,
          itemCode: item.code,
          version: sub.version,
          reason: appeal.reason,
          evidenceUrl: appeal.evidenceUrl,
        },
      });
      const city = tx.select().from(cities).where(eq(cities.id, sub.cityId)).get()!;
      notify(
        tx,
        deciders(tx, appeal, sub),
        "appealFiled",
        { cityZh: city.nameZh, cityEn: city.nameEn, item: item.code },
        "/review/appeals",
        now,
      );
      return { ok: true, id: appeal.id };
    },
    { behavior: "immediate" },
  );
}

/**
 * A reviewer upholds the decision or amends the value, with a reason. An amendment is recorded as the
 * deciding stage's adjustment of the item (replacing that stage's decision), so it is scored like any other.
 */
export function decideAppeal(
  db: Db,
  user: SessionUser,
  input: { appealId: number; outcome: "upheld" | "amended"; reason: string; amendedValue?: unknown },
  now = new Date(),
): { ok: true } | { ok: false; reason: AppealRefusal | RoundRefusal } {
  return db.transaction(
    (tx): { ok: true } | { ok: false; reason: AppealRefusal | RoundRefusal } => {
      if (user.role !== "reviewer") return { ok: false, reason: "roleNotAllowed" };
      const appeal = tx.select().from(appeals).where(eq(appeals.id, input.appealId)).get();
      const sub = appeal && tx.select().from(submissions).where(eq(submissions.id, appeal.submissionId)).get();
      if (!appeal || !sub) return { ok: false, reason: "notFound" };
      const stage = { moduleId: sub.moduleId, stageId: decidingStage(tx, sub, appeal.itemId).id };
      if (!mayDecideAppeal(user, appeal, stage, reviewerAssignments(tx, user)))
        return { ok: false, reason: "notAssigned" };
      const round = tx.select().from(rounds).where(eq(rounds.id, appeal.roundId)).get()!;
      const decision = decideRound("decide_appeal", { status: round.status, role: user.role });
      if (!decision.ok) return decision;
      if (appeal.status !== "open") return { ok: false, reason: "alreadyDecided" };
      // An admin may have reopened the module meanwhile: the appeal waits until it is verified again.
      if (sub.status !== "verified") return { ok: false, reason: "notVerified" };
      const item = tx.select().from(items).where(eq(items.id, appeal.itemId)).get()!;
      const reason = input.reason.trim();
      if (input.outcome === "amended") {
        const stage = decidingStage(tx, sub, item.id);
        const key = and(
          eq(itemReviews.submissionId, sub.id),
          eq(itemReviews.itemId, item.id),
          eq(itemReviews.version, sub.version),
          eq(itemReviews.stageId, stage.id),
        );
        const decision = {
          action: "adjust" as const,
          adjustedValue: input.amendedValue,
          comment: reason,
          reviewerId: user.id,
          createdAt: now,
          carriedFromVersion: null,
        };
        if (tx.select({ id: itemReviews.id }).from(itemReviews).where(key).get())
          tx.update(itemReviews).set(decision).where(key).run();
        else
          tx.insert(itemReviews)
            .values({ submissionId: sub.id, itemId: item.id, version: sub.version, stageId: stage.id, ...decision })
            .run();
      }
      tx.update(appeals)
        .set({
          status: input.outcome,
          decidedBy: user.id,
          decidedAt: now,
          decisionReason: reason,
          amendedValue: input.outcome === "amended" ? input.amendedValue : null,
        })
        .where(eq(appeals.id, appeal.id))
        .run();
      appendAudit(tx, {
        actorId: user.id,
        action: `appeal.${input.outcome}`,
        entityType: "submission",
        entityId: sub.id,
        roundId: sub.roundId,
        cityId: sub.cityId,
        before: { appealId: appeal.id, status: appeal.status },
        after: {
          appealId: appeal.id,
          itemCode: item.code,
          status: input.outcome,
          reason,
          amendedValue: input.outcome === "amended" ? input.amendedValue : null,
        },
      });
      const city = tx.select().from(cities).where(eq(cities.id, sub.cityId)).get()!;
      const staff = activeStaffOf(tx, sub.cityId).map((u) => u.id);
      notify(
        tx,
        staff,
        input.outcome === "amended" ? "appealAmended" : "appealUpheld",
        { item: item.code, reason },
        `/rounds/${sub.roundId}/cities/${city.code}/results`,
        now,
      );
      return { ok: true };
    },
    { behavior: "immediate" },
  );
}

/** An admin hands an open appeal to a reviewer of their choice. */
export function assignAppeal(
  db: Db,
  user: SessionUser,
  appealId: number,
  reviewerId: number,
): { ok: true } | { ok: false; reason: "notFound" | "alreadyDecided" | "calibratingModule" | RoundRefusal } {
  return db.transaction(
    (tx): { ok: true } | { ok: false; reason: "notFound" | "alreadyDecided" | "calibratingModule" | RoundRefusal } => {
      if (user.role !== "admin") return { ok: false, reason: "roleNotAllowed" };
      const appeal = tx.select().from(appeals).where(eq(appeals.id, appealId)).get();
      const reviewer = tx
        .select()
        .from(users)
        .where(and(eq(users.id, reviewerId), eq(users.role, "reviewer"), eq(users.active, true)))
        .get();
      if (!appeal || !reviewer) return { ok: false, reason: "notFound" };
      // A finalised round's appeals are closed (its trigger refuses the write): say so rather than fail.
      const round = tx.select().from(rounds).where(eq(rounds.id, appeal.roundId)).get()!;
      const decision = decideRound("assign_appeal", { status: round.status, role: user.role });
      if (!decision.ok) return decision;
      if (appeal.status !== "open") return { ok: false, reason: "alreadyDecided" };
      const sub = tx.select().from(submissions).where(eq(submissions.id, appeal.submissionId)).get()!;
      // The appeal shows the decisions under review: a reviewer calibrating the module blind must not see them.
      if (isCalibratingModule(tx, reviewer.id, sub.moduleId)) return { ok: false, reason: "calibratingModule" };
      tx.update(appeals).set({ assignedTo: reviewer.id }).where(eq(appeals.id, appealId)).run();
      appendAudit(tx, {
        actorId: user.id,
        action: "appeal.assigned",
        entityType: "submission",
        entityId: sub.id,
        roundId: sub.roundId,
        cityId: sub.cityId,
        before: { assignedTo: appeal.assignedTo },
        after: { appealId, assignedTo: reviewer.id },
      });
      notify(
        tx,
        [reviewer.id],
        "appealAssigned",
        { item: tx.select({ code: items.code }).from(items).where(eq(items.id, appeal.itemId)).get()!.code },
        "/review/appeals",
        new Date(),
      );
      return { ok: true };
    },
    { behavior: "immediate" },
  );
}
