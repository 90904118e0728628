import "server-only";
import { and, asc, eq } from "drizzle-orm";
import type { Actor, Assignment } from "@/lib/auth/policy";
import { decideRound, type RoundActor, type RoundRefusal, roleOf } from "@/lib/workflow/round-lifecycle";
import { appendAudit } from "./audit";
import { isCalibratingModule } from "./calibration";
import type { Db, Tx } from "./client";
import { modules, reviewAssignments, reviewStages, rounds, users } from "./schema";

/** The modules and stages a reviewer is assigned to, the facts lib/auth/policy.ts decides on (none for other roles). */
export function reviewerAssignments(db: Db | Tx, user: Actor): Assignment[] {
  if (user.role !== "reviewer") return [];
  return db
    .select({ moduleId: reviewAssignments.moduleId, stageId: reviewAssignments.stageId })
    .from(reviewAssignments)
    .where(eq(reviewAssignments.reviewerId, user.id))
    .all();
}

export function listRoundAssignments(db: Db, roundId: number) {
  return db
    .select({
      id: reviewAssignments.id,
      moduleId: reviewAssignments.moduleId,
      stageId: reviewAssignments.stageId,
      reviewerId: users.id,
      reviewerName: users.name,
      reviewerEmail: users.email,
    })
    .from(reviewAssignments)
    .innerJoin(users, eq(users.id, reviewAssignments.reviewerId))
    .where(eq(reviewAssignments.roundId, roundId))
    .orderBy(asc(users.name))
    .all();
}

export function listActiveReviewers(db: Db) {
  return db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(and(eq(users.role, "reviewer"), eq(users.active, true)))
    .orderBy(asc(users.name))
    .all();
}

export function listStages(db: Db, roundId: number) {
  return db
    .select()
    .from(reviewStages)
    .where(eq(reviewStages.roundId, roundId))
    .orderBy(asc(reviewStages.position))
    .all();
}

type AssignmentResult = { ok: true } | { ok: false; reason: "notFound" | "calibratingModule" | RoundRefusal };

/** The round's lifecycle decides whether its reviewers may change now (not once finalised), and who may. */
function assignmentRefusal(tx: Tx, actor: RoundActor, roundId: number): AssignmentResult | null {
  const round = tx.select({ status: rounds.status }).from(rounds).where(eq(rounds.id, roundId)).get();
  if (!round) return { ok: false, reason: "notFound" };
  const decision = decideRound("assign_reviewers", { status: round.status, role: roleOf(actor) });
  return decision.ok ? null : decision;
}

/** Assigns a reviewer to a module at a stage of the same round; refuses ids that do not belong together. */
export function addAssignment(
  db: Db,
  actor: RoundActor,
  input: { roundId: number; moduleId: number; stageId: number; reviewerId: number },
): AssignmentResult {
  return db.transaction(
    (tx): AssignmentResult => {
      const refused = assignmentRefusal(tx, actor, input.roundId);
      if (refused) return refused;
      const mod = tx
        .select()
        .from(modules)
        .where(and(eq(modules.id, input.moduleId), eq(modules.roundId, input.roundId)))
        .get();
      const stage = tx
        .select()
        .from(reviewStages)
        .where(and(eq(reviewStages.id, input.stageId), eq(reviewStages.roundId, input.roundId)))
        .get();
      const reviewer = tx
        .select()
        .from(users)
        .where(and(eq(users.id, input.reviewerId), eq(users.role, "reviewer"), eq(users.active, true)))
        .get();
      if (!mod || !stage || !reviewer) return { ok: false, reason: "notFound" };
      // A second reviewer who saw the first review would no longer be blind (db/calibration.ts).
      if (isCalibratingModule(tx, reviewer.id, mod.id)) return { ok: false, reason: "calibratingModule" };
      const inserted = tx
        .insert(reviewAssignments)
        .values(input)
        .onConflictDoNothing()
        .returning({ id: reviewAssignments.id })
        .get();
      if (inserted) {
        appendAudit(tx, {
          actorId: actor?.id ?? null,
          action: "assignment.added",
          entityType: "review_assignment",
          entityId: inserted.id,
          roundId: input.roundId,
          after: { module: mod.code, stage: stage.position, reviewer: reviewer.email },
        });
      }
      return { ok: true };
    },
    { behavior: "immediate" },
  );
}

export function removeAssignment(db: Db, actor: RoundActor, roundId: number, assignmentId: number): AssignmentResult {
  return db.transaction(
    (tx): AssignmentResult => {
      const refused = assignmentRefusal(tx, actor, roundId);
      if (refused) return refused;
      const row = tx
        .select()
        .from(reviewAssignments)
        .where(and(eq(reviewAssignments.id, assignmentId), eq(reviewAssignments.roundId, roundId)))
        .get();
      if (!row) return { ok: false, reason: "notFound" };
      tx.delete(reviewAssignments).where(eq(reviewAssignments.id, assignmentId)).run();
      appendAudit(tx, {
        actorId: actor?.id ?? null,
        action: "assignment.removed",
        entityType: "review_assignment",
        entityId: assignmentId,
        roundId,
        before: { moduleId: row.moduleId, stageId: row.stageId, reviewerId: row.reviewerId },
      });
      return { ok: true };
    },
    { behavior: "immediate" },
  );
}
