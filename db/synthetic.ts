/**
 * A synthetic round of many cities, written in bulk (no workflow), for measuring at scale (bench/finalise,
 * bench/national). Not used by the application. Every module of every city is verified through two review
 * stages: answers, evidence links, each stage's decision on each item and on the module, and the audit entries
 * the workflow would have written (submitted, approved at each stage). With `pending`, that many cities'
 * modules are instead waiting at the first stage, assigned to the round's reviewer: a review queue to read.
 */
import "server-only";
import { and, eq } from "drizzle-orm";
import { answerFor, cityLevels, DemoRandom } from "@/lib/demo/generate";
import { REGIONS } from "@/lib/domain";
import { appendAudit } from "./audit";
import type { Db, Tx } from "./client";
import { loadFrameworkFile } from "./data-files";
import { loadFrameworkShape } from "./framework";
import { createRound } from "./rounds";
import {
  answers,
  cities,
  evidence,
  itemReviews,
  reviewAssignments,
  reviewStages,
  reviews,
  submissions,
  users,
} from "./schema";

export type SyntheticRound = { roundId: number };
type Stage = typeof reviewStages.$inferSelect;

function syntheticReviewer(db: Db, n: number): number {
  const email = `synthetic-reviewer-${n}@cityeval.bench`;
  const found = db.select({ id: users.id }).from(users).where(eq(users.email, email)).get();
  if (found) return found.id;
  return db
    .insert(users)
    .values({ email, name: `合成评审 ${n}`, passwordHash: "!", role: "reviewer", synthetic: true })
    .returning({ id: users.id })
    .get().id;
}

export function seedSyntheticVerifiedRound(db: Db, cityCount: number, name: string): number {
  return seedSyntheticRound(db, cityCount, name).roundId;
}

/** Each stage's decision on each item and on the module, as reviewers approving everything would leave them. */
function approveAllStages(
  tx: Tx,
  sub: { id: number; roundId: number; cityId: number },
  itemIds: number[],
  stages: Stage[],
  reviewerIds: number[],
): void {
  stages.forEach((stage, i) => {
    tx.insert(itemReviews)
      .values(
        itemIds.map((itemId) => ({
          submissionId: sub.id,
          itemId,
          version: 1,
          stageId: stage.id,
          reviewerId: reviewerIds[i]!,
          action: "accept" as const,
        })),
      )
      .run();
    tx.insert(reviews)
      .values({
        submissionId: sub.id,
        version: 1,
        stageId: stage.id,
        reviewerId: reviewerIds[i]!,
        decision: "approved",
      })
      .run();
    appendAudit(tx, {
      actorId: reviewerIds[i]!,
      action: "submission.approved",
      entityType: "submission",
      entityId: sub.id,
      roundId: sub.roundId,
      cityId: sub.cityId,
      after: { stage: stage.position },
    });
  });
}

/**
 * `reviewers`: one user id per stage (default: synthetic reviewers, who never sign in); a benchmark passes
 * real accounts to read the queue as a reviewer.
 */
export function seedSyntheticRound(
  db: Db,
  cityCount: number,
  name: string,
  { pending = 0, reviewers }: { pending?: number; reviewers?: number[] } = {},
): SyntheticRound {
  const existing = db.select({ id: cities.id }).from(cities).all();
  const extra = Math.max(0, cityCount - existing.length);
  db.transaction((tx) => {
    for (let i = 0; i < extra; i++) {
      tx.insert(cities)
        .values({
          code: `synthetic-${String(i + 1).padStart(5, "0")}`,
          nameZh: `合成城市${i + 1}`,
          nameEn: `Synthetic ${i + 1}`,
          provinceZh: "合成",
          provinceEn: "Synthetic",
          region: REGIONS[i % REGIONS.length]!,
          tier: "prefecture",
          confirmed: false,
          synthetic: true,
        })
        .onConflictDoNothing()
        .run();
    }
  });
  const roundCities = db
    .select({ id: cities.id, region: cities.region, tier: cities.tier })
    .from(cities)
    .orderBy(cities.id)
    .limit(cityCount)
    .all();
  const roundId = createRound(
    db,
    { name, year: 2019, status: "open", cityIds: roundCities.map((c) => c.id) },
    loadFrameworkFile(2019),
    null,
  );
  const shape = loadFrameworkShape(db, roundId);
  const stages = db
    .select()
    .from(reviewStages)
    .where(eq(reviewStages.roundId, roundId))
    .orderBy(reviewStages.position)
    .all();
  const reviewerIds = reviewers ?? stages.map((_, i) => syntheticReviewer(db, i + 1));
  db.insert(reviewAssignments)
    .values(
      shape.flatMap((mod) =>
        stages.map((stage, i) => ({
          roundId,
          moduleId: mod.module.id,
          stageId: stage.id,
          reviewerId: reviewerIds[i]!,
        })),
      ),
    )
    .run();
  const random = new DemoRandom(3000);
  const levels = cityLevels(random, roundCities);
  const now = new Date();
  const pendingFrom = roundCities.length - pending;
  // One transaction per city: a failure leaves whole cities, and memory stays flat however many there are.
  roundCities.forEach((city, index) => {
    const waiting = index >= pendingFrom;
    db.transaction((tx) => {
      for (const mod of shape) {
        const { id: submissionId } = tx
          .insert(submissions)
          .values({
            roundId,
            cityId: city.id,
            moduleId: mod.module.id,
            status: waiting ? "in_review" : "verified",
            version: 1,
            stageId: waiting ? stages[0]!.id : stages.at(-1)!.id,
            submittedAt: now,
            verifiedAt: waiting ? null : now,
          })
          .returning({ id: submissions.id })
          .get();
        const moduleItems = mod.indicators.flatMap((i) => i.items);
        tx.insert(answers)
          .values(
            moduleItems.map((item) => ({
              submissionId,
              itemId: item.id,
              ...answerFor({ ...item, moduleCode: mod.code }, levels.get(city.id)!, random),
            })),
          )
          .run();
        const withEvidence = moduleItems.filter((item) => item.evidenceRequired);
        if (withEvidence.length)
          tx.insert(evidence)
            .values(
              withEvidence.map((item) => ({
                submissionId,
                itemId: item.id,
                kind: "url" as const,
                url: `https://stats.example.gov.cn/${city.id}/${item.code}`,
                uploadedBy: reviewerIds[0]!,
              })),
            )
            .run();
        appendAudit(tx, {
          actorId: null,
          action: "submission.submitted",
          entityType: "submission",
          entityId: submissionId,
          roundId,
          cityId: city.id,
          after: { version: 1 },
        });
        if (!waiting)
          approveAllStages(
            tx,
            { id: submissionId, roundId, cityId: city.id },
            moduleItems.map((item) => item.id),
            stages,
            reviewerIds,
          );
      }
    });
  });
  return { roundId };
}

/** Approves, at every stage, every module of the round still waiting for review: the round can then be finalised. */
export function completeSyntheticReviews(db: Db, roundId: number, reviewerIds: number[]): number {
  const shape = loadFrameworkShape(db, roundId);
  const itemIdsOf = new Map(shape.map((m) => [m.module.id, m.indicators.flatMap((i) => i.items.map((x) => x.id))]));
  const stages = db
    .select()
    .from(reviewStages)
    .where(eq(reviewStages.roundId, roundId))
    .orderBy(reviewStages.position)
    .all();
  const waiting = db
    .select()
    .from(submissions)
    .where(and(eq(submissions.roundId, roundId), eq(submissions.status, "in_review")))
    .all();
  const now = new Date();
  for (const sub of waiting) {
    db.transaction((tx) => {
      approveAllStages(tx, sub, itemIdsOf.get(sub.moduleId)!, stages, reviewerIds);
      tx.update(submissions)
        .set({ status: "verified", stageId: stages.at(-1)!.id, verifiedAt: now })
        .where(eq(submissions.id, sub.id))
        .run();
    });
  }
  return waiting.length;
}
