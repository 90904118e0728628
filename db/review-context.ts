/**
 * What every review write needs to know first: the submission, its round and stages, and this reviewer's
 * position on it (assigned, at another stage already, the last stage), as lib/workflow asks it.
 */
import "server-only";
import { and, asc, eq, ne } from "drizzle-orm";
import { mayDecideAtStage } from "@/lib/auth/policy";
import type { SessionUser } from "@/lib/domain";
import { type WorkflowRefusal } from "@/lib/workflow/transitions";
import { reviewerAssignments } from "./assignments";
import type { Db, Tx } from "./client";
import { cities, itemReviews, modules, reviewAssignments, reviewStages, reviews, rounds, submissions } from "./schema";

export type ReviewRefusal =
  | WorkflowRefusal
  | "notFound"
  | "staleVersion"
  | "alreadyDecided"
  | "resolveQueriesFirst"
  | "decideChangedItemsFirst";

export type Refused = { ok: false; reason: ReviewRefusal; itemCodes?: string[] };

/** The submission and what the workflow needs to know about this reviewer's position on it. */
export function reviewContext(tx: Db | Tx, user: SessionUser, submissionId: number) {
  const sub = tx.select().from(submissions).where(eq(submissions.id, submissionId)).get();
  if (!sub) return null;
  const round = tx.select().from(rounds).where(eq(rounds.id, sub.roundId)).get()!;
  const stages = tx
    .select()
    .from(reviewStages)
    .where(eq(reviewStages.roundId, sub.roundId))
    .orderBy(asc(reviewStages.position))
    .all();
  const stage = stages.find((s) => s.id === sub.stageId) ?? null;
  const assigned = mayDecideAtStage(user, sub, reviewerAssignments(tx, user));
  const otherStage = (table: typeof reviews | typeof itemReviews) =>
    !!tx
      .select({ id: table.id })
      .from(table)
      .where(
        and(
          eq(table.submissionId, sub.id),
          eq(table.version, sub.version),
          eq(table.reviewerId, user.id),
          stage ? ne(table.stageId, stage.id) : undefined,
        ),
      )
      .get();
  const reviewedAtOtherStage = otherStage(reviews) || otherStage(itemReviews);
  const lastStage = !!stage && stage.position === stages.at(-1)?.position;
  const workflow = {
    role: user.role,
    state: sub.status,
    roundStatus: round.status,
    assigned,
    reviewedAtOtherStage,
    lastStage,
  };
  return { sub, round, stages, stage, workflow };
}

/**
 * Whether the page a reviewer acted on is out of date: a newer version, or the submission has left their
 * stage (another reviewer decided first). Tells them so rather than a bare refusal.
 */
export function movedOn(
  tx: Db | Tx,
  user: SessionUser,
  ctx: NonNullable<ReturnType<typeof reviewContext>>,
  version: number,
): boolean {
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

export function names(tx: Db | Tx, sub: typeof submissions.$inferSelect) {
  const city = tx.select().from(cities).where(eq(cities.id, sub.cityId)).get()!;
  const mod = tx.select().from(modules).where(eq(modules.id, sub.moduleId)).get()!;
  return {
    city,
    mod,
    params: {
      cityZh: city.nameZh,
      cityEn: city.nameEn,
      moduleZh: mod.nameZh,
      moduleEn: mod.nameEn,
      version: sub.version,
    },
  };
}
