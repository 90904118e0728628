import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { ImportedCity } from "@/lib/cities/import";
import type { CitySeed } from "@/lib/cities/schema";
import { decideRound, type RoundActor, type RoundRefusal, roleOf } from "@/lib/workflow/round-lifecycle";
import { appendAudit } from "./audit";
import type { Db } from "./client";
import { cities, roundCities, rounds } from "./schema";

/** Inserts the cities, or updates the names and classification of those whose code exists. */
export function upsertCities(db: Db, seed: CitySeed[]): void {
  db.transaction((tx) => {
    for (const city of seed) {
      tx.insert(cities)
        .values(city)
        .onConflictDoUpdate({
          target: cities.code,
          set: {
            nameZh: sql`excluded.name_zh`,
            nameEn: sql`excluded.name_en`,
            provinceZh: sql`excluded.province_zh`,
            provinceEn: sql`excluded.province_en`,
            region: sql`excluded.region`,
            tier: sql`excluded.tier`,
            confirmed: sql`excluded.confirmed`,
          },
          // A city of a finalised round keeps what its signed report shows (drizzle/0007); the seed leaves it.
          setWhere: sql`not exists (select 1 from round_cities rc join rounds r on r.id = rc.round_id where rc.city_id = ${cities.id} and r.status = 'finalised')`,
        })
        .run();
    }
  });
}

export function getCityByCode(db: Db, code: string) {
  return db.select().from(cities).where(eq(cities.code, code)).get() ?? null;
}

export function getCityById(db: Db, id: number) {
  return db.select().from(cities).where(eq(cities.id, id)).get() ?? null;
}

/** The cities people work with, in id order; the made-up cities of a measurement (db/synthetic.ts) only on request. */
export function listCities(db: Db, { includeSynthetic = false } = {}) {
  return db
    .select()
    .from(cities)
    .where(includeSynthetic ? undefined : eq(cities.synthetic, false))
    .orderBy(cities.id)
    .all();
}

/** Adds a city; its code must be new. */
export function createCity(
  db: Db,
  actorId: number | null,
  input: CitySeed,
): { ok: true; id: number } | { ok: false; reason: "cityCodeTaken" } {
  return db.transaction(
    (tx) => {
      if (tx.select({ id: cities.id }).from(cities).where(eq(cities.code, input.code)).get())
        return { ok: false as const, reason: "cityCodeTaken" as const };
      const { id } = tx.insert(cities).values(input).returning({ id: cities.id }).get();
      appendAudit(tx, { actorId, action: "city.created", entityType: "city", entityId: id, after: input });
      return { ok: true as const, id };
    },
    { behavior: "immediate" },
  );
}

/** What a finalised round's signed report shows of a city: fixed once it took part in one (drizzle/0007). */
const PUBLISHED_FIELDS = ["nameZh", "nameEn", "region", "tier"] as const;

function inFinalisedRound(tx: Pick<Db, "select">, cityId: number): boolean {
  return !!tx
    .select({ id: roundCities.cityId })
    .from(roundCities)
    .innerJoin(rounds, eq(rounds.id, roundCities.roundId))
    .where(and(eq(roundCities.cityId, cityId), eq(rounds.status, "finalised")))
    .get();
}

const changesPublished = (
  before: Record<string, unknown>,
  after: Partial<Record<(typeof PUBLISHED_FIELDS)[number], unknown>>,
) => PUBLISHED_FIELDS.some((field) => field in after && before[field] !== after[field]);

/** Codes of the rows that would change what a finalised round's report shows of a city (refused). */
export function citiesLockedByFinalisedRounds(db: Db, rows: ImportedCity[]): string[] {
  return rows
    .filter((row) => {
      const before = db.select().from(cities).where(eq(cities.code, row.code)).get();
      return !!before && changesPublished(before, row) && inFinalisedRound(db, before.id);
    })
    .map((row) => row.code);
}

/**
 * Edits a city's names, province, region and tier (its code identifies it and stays); names, region and tier
 * of a city that took part in a finalised round are what its signed report shows, and stay.
 */
export function updateCity(
  db: Db,
  actorId: number | null,
  id: number,
  input: Omit<CitySeed, "code">,
): { ok: true } | { ok: false; reason: "notFound" | "cityInFinalisedRound" } {
  return db.transaction(
    (tx) => {
      const before = tx.select().from(cities).where(eq(cities.id, id)).get();
      if (!before) return { ok: false as const, reason: "notFound" as const };
      if (changesPublished(before, input) && inFinalisedRound(tx, id))
        return { ok: false as const, reason: "cityInFinalisedRound" as const };
      tx.update(cities).set(input).where(eq(cities.id, id)).run();
      appendAudit(tx, { actorId, action: "city.updated", entityType: "city", entityId: id, before, after: input });
      return { ok: true as const };
    },
    { behavior: "immediate" },
  );
}

/**
 * Applies an import by code: new codes are created, known ones updated where a field differs, with one audit
 * row per changed city. One immediate transaction: the file is applied whole or not at all; each row is
 * compared again inside it, so the counts and audit rows tell what really changed since the preview.
 */
export function importCities(
  db: Db,
  actorId: number | null,
  rows: ImportedCity[],
): { created: number; updated: number; unchanged: number } {
  return db.transaction(
    (tx) => {
      const counts = { created: 0, updated: 0, unchanged: 0 };
      for (const city of rows) {
        const before = tx.select().from(cities).where(eq(cities.code, city.code)).get();
        if (!before) {
          const { id } = tx.insert(cities).values(city).returning({ id: cities.id }).get();
          appendAudit(tx, { actorId, action: "city.created", entityType: "city", entityId: id, after: city });
          counts.created += 1;
          continue;
        }
        const { code, ...details } = city;
        if ((Object.keys(details) as (keyof typeof details)[]).some((field) => before[field] !== details[field])) {
          tx.update(cities).set(details).where(eq(cities.code, code)).run();
          appendAudit(tx, {
            actorId,
            action: "city.updated",
            entityType: "city",
            entityId: before.id,
            before,
            after: details,
          });
          counts.updated += 1;
        } else {
          counts.unchanged += 1;
        }
      }
      return counts;
    },
    { behavior: "immediate" },
  );
}

/** Sets the participating cities of a draft round (once open, participation is fixed). */
export function setParticipation(
  db: Db,
  actor: RoundActor,
  roundId: number,
  cityIds: number[],
): { ok: true } | { ok: false; reason: "notFound" | RoundRefusal } {
  return db.transaction(
    (tx) => {
      const round = tx.select().from(rounds).where(eq(rounds.id, roundId)).get();
      if (!round) return { ok: false as const, reason: "notFound" as const };
      const decision = decideRound("set_participation", { status: round.status, role: roleOf(actor) });
      if (!decision.ok) return decision;
      const known = new Set(
        tx
          .select({ id: cities.id })
          .from(cities)
          .all()
          .map((c) => c.id),
      );
      const ids = [...new Set(cityIds)].filter((id) => known.has(id));
      tx.delete(roundCities).where(eq(roundCities.roundId, roundId)).run();
      if (ids.length)
        tx.insert(roundCities)
          .values(ids.map((cityId) => ({ roundId, cityId })))
          .run();
      appendAudit(tx, {
        actorId: actor?.id ?? null,
        action: "round.participation_set",
        entityType: "round",
        entityId: roundId,
        roundId,
        after: { cities: ids.length },
      });
      return { ok: true as const };
    },
    { behavior: "immediate" },
  );
}
