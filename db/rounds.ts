import { and, count, desc, eq, inArray } from "drizzle-orm";
import { toHundredths, type FrameworkFile } from "@/lib/framework/schema";
import { appendAudit } from "./audit";
import type { Db } from "./client";
import {
  cities,
  indicators,
  items,
  modules,
  reviewStages,
  roundCities,
  rounds,
  submissions,
  type RoundStatus,
  type SubmissionStatus,
} from "./schema";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export const DEFAULT_REVIEW_STAGES = [
  { zh: "初审", en: "Preliminary review" },
  { zh: "复审", en: "Final review" },
];

export type NewRound = {
  name: string;
  year: number;
  status: RoundStatus;
  isDemo?: boolean;
  dataCutoffDate?: string | null;
  submissionDeadline?: Date | null;
  reviewDeadline?: Date | null;
  stages?: { zh: string; en: string }[];
  cityIds: number[];
};

/** Creates a round with its review stages, participating cities and a copy of the framework, in one transaction. */
export function createRound(db: Db, input: NewRound, framework: FrameworkFile, actorId: number | null): number {
  return db.transaction(
    (tx) => {
      const now = new Date();
      const { id: roundId } = tx
        .insert(rounds)
        .values({
          name: input.name,
          year: input.year,
          status: input.status,
          isDemo: input.isDemo ?? false,
          dataCutoffDate: input.dataCutoffDate ?? null,
          submissionDeadline: input.submissionDeadline ?? null,
          reviewDeadline: input.reviewDeadline ?? null,
          openedAt: input.status === "draft" ? null : now,
        })
        .returning({ id: rounds.id })
        .get();
      (input.stages ?? DEFAULT_REVIEW_STAGES).forEach((stage, i) => {
        tx.insert(reviewStages).values({ roundId, position: i + 1, nameZh: stage.zh, nameEn: stage.en }).run();
      });
      if (input.cityIds.length) {
        tx.insert(roundCities).values(input.cityIds.map((cityId) => ({ roundId, cityId }))).run();
      }
      insertFramework(tx, roundId, framework);
      appendAudit(tx, {
        actorId,
        action: "round.created",
        entityType: "round",
        entityId: roundId,
        roundId,
        after: { name: input.name, year: input.year, status: input.status, cities: input.cityIds.length },
      });
      return roundId;
    },
    { behavior: "immediate" },
  );
}

function insertFramework(tx: Tx, roundId: number, framework: FrameworkFile): void {
  framework.modules.forEach((mod, mi) => {
    const { id: moduleId } = tx
      .insert(modules)
      .values({ roundId, code: mod.code, nameZh: mod.name.zh, nameEn: mod.name.en, maxPoints: toHundredths(mod.points), position: mi + 1 })
      .returning({ id: modules.id })
      .get();
    mod.indicators.forEach((ind, ii) => {
      const { id: indicatorId } = tx
        .insert(indicators)
        .values({
          moduleId,
          code: ind.code,
          nameZh: ind.name.zh,
          nameEn: ind.name.en,
          maxPoints: toHundredths(ind.points),
          position: ii + 1,
          proposed: ind.proposed,
        })
        .returning({ id: indicators.id })
        .get();
      tx.insert(items)
        .values(
          ind.items.map((item, position) => ({
            indicatorId,
            roundId,
            code: item.code,
            nameZh: item.name.zh,
            nameEn: item.name.en,
            answerType: item.type,
            unitZh: item.unit?.zh ?? null,
            unitEn: item.unit?.en ?? null,
            options: item.options ?? null,
            minValue: item.min ?? null,
            maxValue: item.max ?? null,
            decimals: item.decimals ?? null,
            required: item.required,
            scoringRule: item.rule,
            maxPoints: toHundredths(item.points),
            evidenceKinds: item.evidence.kinds,
            evidenceRequired: item.evidence.required,
            helpZh: item.help?.zh ?? null,
            helpEn: item.help?.en ?? null,
            position: position + 1,
          })),
        )
        .run();
    });
  });
}

export function getRoundByName(db: Db, name: string) {
  return db.select().from(rounds).where(eq(rounds.name, name)).get() ?? null;
}

export function getRound(db: Db, id: number) {
  return db.select().from(rounds).where(eq(rounds.id, id)).get() ?? null;
}

export function listModules(db: Db, roundId: number) {
  return db.select().from(modules).where(eq(modules.roundId, roundId)).orderBy(modules.position).all();
}

export function isCityInRound(db: Db, roundId: number, cityId: number): boolean {
  return !!db
    .select({ cityId: roundCities.cityId })
    .from(roundCities)
    .where(and(eq(roundCities.roundId, roundId), eq(roundCities.cityId, cityId)))
    .get();
}

/** The newest open round the city takes part in. */
export function getOpenRoundForCity(db: Db, cityId: number) {
  return (
    db
      .select({ id: rounds.id, name: rounds.name })
      .from(rounds)
      .innerJoin(roundCities, eq(roundCities.roundId, rounds.id))
      .where(and(eq(rounds.status, "open"), eq(roundCities.cityId, cityId)))
      .orderBy(desc(rounds.year), desc(rounds.id))
      .get() ?? null
  );
}

export type RoundOverview = {
  id: number;
  name: string;
  year: number;
  status: RoundStatus;
  isDemo: boolean;
  dataCutoffDate: string | null;
  submissionDeadline: Date | null;
  reviewDeadline: Date | null;
  cities: number;
  modules: number;
  /** submissions per status; modules that no city has started yet count as "not_started" */
  byStatus: Partial<Record<SubmissionStatus | "not_started", number>>;
};

export function listRoundsOverview(db: Db): RoundOverview[] {
  const all = db.select().from(rounds).orderBy(desc(rounds.year), desc(rounds.id)).all();
  if (!all.length) return [];
  const ids = all.map((r) => r.id);
  const cityCounts = new Map(
    db.select({ roundId: roundCities.roundId, n: count() }).from(roundCities).where(inArray(roundCities.roundId, ids)).groupBy(roundCities.roundId).all().map((r) => [r.roundId, r.n]),
  );
  const moduleCounts = new Map(
    db.select({ roundId: modules.roundId, n: count() }).from(modules).where(inArray(modules.roundId, ids)).groupBy(modules.roundId).all().map((r) => [r.roundId, r.n]),
  );
  const statusRows = db
    .select({ roundId: submissions.roundId, status: submissions.status, n: count() })
    .from(submissions)
    .where(inArray(submissions.roundId, ids))
    .groupBy(submissions.roundId, submissions.status)
    .all();
  return all.map((round) => {
    const byStatus: RoundOverview["byStatus"] = {};
    let started = 0;
    for (const row of statusRows) {
      if (row.roundId !== round.id) continue;
      byStatus[row.status] = row.n;
      started += row.n;
    }
    const cities = cityCounts.get(round.id) ?? 0;
    const moduleCount = moduleCounts.get(round.id) ?? 0;
    byStatus.not_started = cities * moduleCount - started;
    return {
      id: round.id,
      name: round.name,
      year: round.year,
      status: round.status,
      isDemo: round.isDemo,
      dataCutoffDate: round.dataCutoffDate,
      submissionDeadline: round.submissionDeadline,
      reviewDeadline: round.reviewDeadline,
      cities,
      modules: moduleCount,
      byStatus,
    };
  });
}

/** The round's participating cities and the status of each city × module, for the control page. */
export function getRoundMatrix(db: Db, roundId: number) {
  const cityRows = db
    .select({ id: cities.id, code: cities.code, nameZh: cities.nameZh, nameEn: cities.nameEn, region: cities.region, tier: cities.tier })
    .from(roundCities)
    .innerJoin(cities, eq(cities.id, roundCities.cityId))
    .where(eq(roundCities.roundId, roundId))
    .orderBy(cities.id)
    .all();
  const statuses = db
    .select({ cityId: submissions.cityId, moduleId: submissions.moduleId, status: submissions.status })
    .from(submissions)
    .where(eq(submissions.roundId, roundId))
    .all();
  return { cities: cityRows, statuses };
}

/** Finalised rounds the city took part in, newest first (their results are published). */
export function listFinalisedRoundsForCity(db: Db, cityId: number) {
  return db
    .select({ id: rounds.id, name: rounds.name, isDemo: rounds.isDemo })
    .from(rounds)
    .innerJoin(roundCities, eq(roundCities.roundId, rounds.id))
    .where(and(eq(rounds.status, "finalised"), eq(roundCities.cityId, cityId)))
    .orderBy(desc(rounds.year), desc(rounds.id))
    .all();
}
