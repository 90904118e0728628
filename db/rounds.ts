/**
 * A round's own life: creating, cloning and opening it (the lifecycle in lib/workflow/round-lifecycle.ts), its
 * settings, and the overviews of rounds and of a round's cities. Its framework rows: db/framework.ts.
 */
import "server-only";
import { and, count, desc, eq } from "drizzle-orm";
import type { RoundStatus } from "@/lib/domain";
import { type FrameworkFile } from "@/lib/framework/schema";
import type { PlausibilitySettings } from "@/lib/review/plausibility";
import { decideRound, type RoundActor, type RoundRefusal, roleOf } from "@/lib/workflow/round-lifecycle";
import { appendAudit } from "./audit";
import { listCities } from "./cities";
import type { Db } from "./client";
import { exportFramework, insertFramework } from "./framework";
import { modules, reviewStages, roundCities, rounds } from "./schema";

export const DEFAULT_REVIEW_STAGES = [
  { zh: "初审", en: "Preliminary review" },
  { zh: "复审", en: "Final review" },
];

export type NewRound = {
  name: string;
  nameEn?: string | null;
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
          nameEn: input.nameEn ?? null,
          year: input.year,
          // Framework, stages and cities are written while the round is a draft (triggers fix them afterwards).
          status: "draft",
          isDemo: input.isDemo ?? false,
          dataCutoffDate: input.dataCutoffDate ?? null,
          submissionDeadline: input.submissionDeadline ?? null,
          reviewDeadline: input.reviewDeadline ?? null,
          openedAt: input.status === "draft" ? null : now,
        })
        .returning({ id: rounds.id })
        .get();
      (input.stages ?? DEFAULT_REVIEW_STAGES).forEach((stage, i) => {
        tx.insert(reviewStages)
          .values({ roundId, position: i + 1, nameZh: stage.zh, nameEn: stage.en })
          .run();
      });
      if (input.cityIds.length) {
        tx.insert(roundCities)
          .values(input.cityIds.map((cityId) => ({ roundId, cityId })))
          .run();
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
      if (input.status !== "draft") tx.update(rounds).set({ status: input.status }).where(eq(rounds.id, roundId)).run();
      return roundId;
    },
    { behavior: "immediate" },
  );
}

export function getRoundByName(db: Db, name: string) {
  return db.select().from(rounds).where(eq(rounds.name, name)).get() ?? null;
}

/** Every round's id and name, for filters. */
export function listRoundNames(db: Db): { id: number; name: string }[] {
  return db.select({ id: rounds.id, name: rounds.name }).from(rounds).orderBy(desc(rounds.year), rounds.id).all();
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

/**
 * A new draft round copied from an earlier one: its framework, review stages and participating cities.
 * The copy shares no rows with the source, so editing either never changes the other.
 */
export function cloneRound(
  db: Db,
  actorId: number | null,
  sourceId: number,
  input: { name: string; year: number },
): { ok: true; id: number } | { ok: false; reason: "notFound" | "nameTaken" } {
  const source = getRound(db, sourceId);
  if (!source) return { ok: false, reason: "notFound" };
  if (getRoundByName(db, input.name)) return { ok: false, reason: "nameTaken" };
  const stages = db
    .select()
    .from(reviewStages)
    .where(eq(reviewStages.roundId, sourceId))
    .orderBy(reviewStages.position)
    .all();
  const cityIds = db
    .select({ id: roundCities.cityId })
    .from(roundCities)
    .where(eq(roundCities.roundId, sourceId))
    .all()
    .map((c) => c.id);
  const id = createRound(
    db,
    {
      name: input.name,
      year: input.year,
      status: "draft",
      dataCutoffDate: null,
      stages: stages.map((s) => ({ zh: s.nameZh, en: s.nameEn })),
      cityIds,
    },
    exportFramework(db, sourceId),
    actorId,
  );
  // The organiser's settings that are not dates carry over; deadlines are the new round's own.
  db.update(rounds)
    .set({
      clonedFromRoundId: sourceId,
      plausibility: source.plausibility,
      reminderDaysBefore: source.reminderDaysBefore,
    })
    .where(eq(rounds.id, id))
    .run();
  return { ok: true, id };
}

/** A new draft round from a framework (a file of data/frameworks or the starter), with the default review stages. */
export function createDraftRound(
  db: Db,
  actorId: number | null,
  input: { name: string; year: number; allCities: boolean },
  framework: FrameworkFile,
): { ok: true; id: number } | { ok: false; reason: "nameTaken" } {
  if (getRoundByName(db, input.name)) return { ok: false, reason: "nameTaken" };
  const cityIds = input.allCities ? listCities(db).map((c) => c.id) : [];
  return {
    ok: true,
    id: createRound(
      db,
      { name: input.name, year: input.year, status: "draft", cityIds },
      { ...framework, year: input.year },
      actorId,
    ),
  };
}

export type RoundSettings = {
  name: string;
  nameEn: string | null;
  year: number;
  dataCutoffDate: string | null;
  submissionDeadline: Date | null;
  reviewDeadline: Date | null;
  preliminaryResults: boolean;
  appealDeadline: Date | null;
  reminderDaysBefore: number | null;
  plausibility: PlausibilitySettings | null;
};

/** Edits a round's name, year, cut-off and deadlines; every change (extensions included) is logged. */
export function updateRoundSettings(
  db: Db,
  actor: RoundActor,
  roundId: number,
  settings: RoundSettings,
): { ok: true } | { ok: false; reason: "notFound" | "nameTaken" | RoundRefusal } {
  return db.transaction(
    (tx) => {
      const round = tx.select().from(rounds).where(eq(rounds.id, roundId)).get();
      if (!round) return { ok: false as const, reason: "notFound" as const };
      const decision = decideRound("edit_settings", { status: round.status, role: roleOf(actor) });
      if (!decision.ok) return decision;
      const clash = tx.select({ id: rounds.id }).from(rounds).where(eq(rounds.name, settings.name)).get();
      if (clash && clash.id !== roundId) return { ok: false as const, reason: "nameTaken" as const };
      tx.update(rounds).set(settings).where(eq(rounds.id, roundId)).run();
      const pick = (r: RoundSettings) => ({
        name: r.name,
        nameEn: r.nameEn,
        year: r.year,
        dataCutoffDate: r.dataCutoffDate,
        submissionDeadline: r.submissionDeadline?.toISOString() ?? null,
        reviewDeadline: r.reviewDeadline?.toISOString() ?? null,
        preliminaryResults: r.preliminaryResults,
        appealDeadline: r.appealDeadline?.toISOString() ?? null,
        reminderDaysBefore: r.reminderDaysBefore,
        plausibility: r.plausibility,
      });
      appendAudit(tx, {
        actorId: actor?.id ?? null,
        action: "round.settings_changed",
        entityType: "round",
        entityId: roundId,
        roundId,
        before: pick(round),
        after: pick(settings),
      });
      return { ok: true as const };
    },
    { behavior: "immediate" },
  );
}

/** Opens a draft round that has participating cities for reporting; its framework is frozen from then on. */
export function openRound(
  db: Db,
  actor: RoundActor,
  roundId: number,
  now = new Date(),
): { ok: true } | { ok: false; reason: "notFound" | RoundRefusal } {
  return db.transaction(
    (tx) => {
      const round = tx.select().from(rounds).where(eq(rounds.id, roundId)).get();
      if (!round) return { ok: false as const, reason: "notFound" as const };
      const cityCount =
        tx.select({ n: count() }).from(roundCities).where(eq(roundCities.roundId, roundId)).get()?.n ?? 0;
      const decision = decideRound("open", { status: round.status, role: roleOf(actor), cityCount });
      if (!decision.ok) return decision;
      // The audit entry first: the database lets the status move only right after it (drizzle/0007).
      appendAudit(tx, {
        actorId: actor?.id ?? null,
        action: "round.opened",
        entityType: "round",
        entityId: roundId,
        roundId,
        before: { status: "draft" },
        after: { status: "open" },
      });
      tx.update(rounds).set({ status: "open", openedAt: now }).where(eq(rounds.id, roundId)).run();
      return { ok: true as const };
    },
    { behavior: "immediate" },
  );
}
