/** What the overviews read of rounds: the admin's list with counts, a round's city × module matrix, a city's finalised rounds. */
import "server-only";
import { and, count, desc, eq, inArray, isNotNull } from "drizzle-orm";
import type { ModuleStatus, RoundStatus } from "@/lib/domain";
import { countByStatus, moduleStatusLookup } from "@/lib/workflow/module-status";
import type { Db } from "./client";
import { cities, modules, results, roundCities, rounds, submissions } from "./schema";

export type RoundOverview = {
  id: number;
  name: string;
  nameEn: string | null;
  year: number;
  status: RoundStatus;
  isDemo: boolean;
  dataCutoffDate: string | null;
  submissionDeadline: Date | null;
  reviewDeadline: Date | null;
  cities: number;
  modules: number;
  /** submissions per status; modules that no city has started yet count as "not_started" */
  byStatus: Partial<Record<ModuleStatus, number>>;
};

export function listRoundsOverview(db: Db): RoundOverview[] {
  const all = db.select().from(rounds).orderBy(desc(rounds.year), desc(rounds.id)).all();
  if (!all.length) return [];
  const ids = all.map((r) => r.id);
  const cityCounts = new Map(
    db
      .select({ roundId: roundCities.roundId, n: count() })
      .from(roundCities)
      .where(inArray(roundCities.roundId, ids))
      .groupBy(roundCities.roundId)
      .all()
      .map((r) => [r.roundId, r.n]),
  );
  const moduleCounts = new Map(
    db
      .select({ roundId: modules.roundId, n: count() })
      .from(modules)
      .where(inArray(modules.roundId, ids))
      .groupBy(modules.roundId)
      .all()
      .map((r) => [r.roundId, r.n]),
  );
  const statusRows = db
    .select({ roundId: submissions.roundId, status: submissions.status, n: count() })
    .from(submissions)
    .where(inArray(submissions.roundId, ids))
    .groupBy(submissions.roundId, submissions.status)
    .all();
  return all.map((round) => {
    const cities = cityCounts.get(round.id) ?? 0;
    const moduleCount = moduleCounts.get(round.id) ?? 0;
    const byStatus = countByStatus(
      cities * moduleCount,
      statusRows.filter((row) => row.roundId === round.id),
    );
    return {
      id: round.id,
      name: round.name,
      nameEn: round.nameEn,
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
    .select({
      id: cities.id,
      code: cities.code,
      nameZh: cities.nameZh,
      nameEn: cities.nameEn,
      region: cities.region,
      tier: cities.tier,
    })
    .from(roundCities)
    .innerJoin(cities, eq(cities.id, roundCities.cityId))
    .where(eq(roundCities.roundId, roundId))
    .orderBy(cities.id)
    .all();
  const statusOf = moduleStatusLookup(
    db
      .select({ cityId: submissions.cityId, moduleId: submissions.moduleId, status: submissions.status })
      .from(submissions)
      .where(eq(submissions.roundId, roundId))
      .all(),
  );
  return { cities: cityRows, statusOf };
}

/** Finalised rounds the city took part in, newest first, with its published total and rank (null if not ranked). */
export function listFinalisedRoundsForCity(db: Db, cityId: number) {
  return db
    .select({
      id: rounds.id,
      name: rounds.name,
      nameEn: rounds.nameEn,
      year: rounds.year,
      isDemo: rounds.isDemo,
      finalisedAt: rounds.finalisedAt,
      total: results.points,
      rank: results.rank,
    })
    .from(rounds)
    .innerJoin(roundCities, eq(roundCities.roundId, rounds.id))
    .leftJoin(results, and(eq(results.roundId, rounds.id), eq(results.cityId, cityId), eq(results.level, "total")))
    .where(and(eq(rounds.status, "finalised"), eq(roundCities.cityId, cityId)))
    .orderBy(desc(rounds.year), desc(rounds.id))
    .all()
    .map((r) => ({
      ...r,
      ranked: db
        .select({ n: count() })
        .from(results)
        .where(and(eq(results.roundId, r.id), eq(results.level, "total"), isNotNull(results.rank)))
        .get()!.n,
    }));
}
