/**
 * What /api/v1 reads, shaped as lib/api/schemas.ts describes it. Who may read which round is lib/auth/policy.ts
 * (maySeeRound); a city's answers and statuses are always the token user's own city's (a department user's: only
 * their items), whatever id a client sends.
 */
import "server-only";
import { and, desc, eq, inArray } from "drizzle-orm";
import { type Actor, isAdmin, maySeeRound } from "@/lib/auth/policy";
import type { SessionUser } from "@/lib/domain";
import { moduleStatusLookup } from "@/lib/workflow/module-status";
import type { Db } from "./client";
import { assignedItemIds, myAssignedItems } from "./departments";
import { loadFrameworkShape } from "./framework";
import {
  answers,
  cities,
  items,
  modules,
  results,
  reviewAssignments,
  roundCities,
  rounds,
  submissions,
} from "./schema";
import { listModuleSummaries } from "./submissions";

const points = (hundredths: number) => hundredths / 100;

type RoundRow = typeof rounds.$inferSelect;

/** The round if the user may read it through the API, else null (the caller answers 404). */
export function readableRound(db: Db, user: Actor, roundId: number): RoundRow | null {
  const round = db.select().from(rounds).where(eq(rounds.id, roundId)).get();
  if (!round) return null;
  const cityInRound =
    user.cityId !== null &&
    !!db
      .select({ cityId: roundCities.cityId })
      .from(roundCities)
      .where(and(eq(roundCities.roundId, roundId), eq(roundCities.cityId, user.cityId)))
      .get();
  const assigned =
    user.role === "reviewer" &&
    !!db
      .select({ id: reviewAssignments.id })
      .from(reviewAssignments)
      .where(and(eq(reviewAssignments.roundId, roundId), eq(reviewAssignments.reviewerId, user.id)))
      .get();
  return maySeeRound(user, { status: round.status, cityInRound, assigned }) ? round : null;
}

function roundOut(r: RoundRow) {
  return {
    id: r.id,
    name: r.name,
    nameEn: r.nameEn,
    year: r.year,
    status: r.status,
    submissionDeadline: r.submissionDeadline?.toISOString() ?? null,
  };
}

export function apiRounds(db: Db, user: SessionUser) {
  const all = db.select().from(rounds).orderBy(desc(rounds.year), desc(rounds.id)).all();
  const visible = isAdmin(user) ? all : all.filter((r) => readableRound(db, user, r.id));
  return { rounds: visible.map(roundOut) };
}

export function apiFramework(db: Db, roundId: number) {
  return {
    roundId,
    modules: loadFrameworkShape(db, roundId).map((m) => ({
      code: m.code,
      nameZh: m.module.nameZh,
      nameEn: m.module.nameEn,
      maxPoints: points(m.maxPoints),
      indicators: m.indicators.map((i) => ({
        code: i.code,
        nameZh: i.indicator.nameZh,
        nameEn: i.indicator.nameEn,
        maxPoints: points(i.maxPoints),
        items: i.items.map((x) => ({
          code: x.code,
          nameZh: x.nameZh,
          nameEn: x.nameEn,
          answerType: x.answerType,
          unitZh: x.unitZh,
          unitEn: x.unitEn,
          options: x.options?.map((o) => ({ value: o.value, labelZh: o.label.zh, labelEn: o.label.en })) ?? null,
          minValue: x.minValue,
          maxValue: x.maxValue,
          decimals: x.decimals,
          required: x.required,
          evidenceRequired: x.evidenceRequired,
          maxPoints: points(x.maxPoints),
        })),
      })),
    })),
  };
}

/** The item of the round with this code, if the user's city may fill it (its lead; a department user's own). */
export function itemByCode(db: Db, roundId: number, code: string) {
  return (
    db
      .select()
      .from(items)
      .where(and(eq(items.roundId, roundId), eq(items.code, code)))
      .get() ?? null
  );
}

/** The token's city's answers in the round (a department user's: their items only), optionally of one module. */
export function apiAnswers(db: Db, user: SessionUser, roundId: number, moduleCode?: string) {
  const cityId = user.cityId!;
  const city = db.select().from(cities).where(eq(cities.id, cityId)).get()!;
  const rows = db
    .select({ answer: answers, itemCode: items.code, itemId: items.id })
    .from(answers)
    .innerJoin(submissions, eq(submissions.id, answers.submissionId))
    .innerJoin(items, eq(items.id, answers.itemId))
    .innerJoin(modules, eq(modules.id, submissions.moduleId))
    .where(
      and(
        eq(submissions.roundId, roundId),
        eq(submissions.cityId, cityId),
        moduleCode ? eq(modules.code, moduleCode) : undefined,
      ),
    )
    .orderBy(modules.position, items.position)
    .all();
  const mine = user.role === "department_staff" ? assignedItemIds(db, user.id, roundId) : null;
  return {
    cityCode: city.code,
    answers: rows
      .filter((r) => !mine || mine.has(r.itemId))
      .map(({ answer, itemCode }) => ({
        itemCode,
        value: answer.value,
        notApplicableReason: answer.notApplicableReason,
        revision: answer.revision,
        updatedAt: answer.updatedAt.toISOString(),
        prefilledFromLastRound: answer.prefilledFromRoundId !== null,
      })),
  };
}

/** Where the token's city stands per module (a department user: the modules holding their items). */
export function apiCityStatus(db: Db, user: SessionUser, roundId: number) {
  const cityId = user.cityId!;
  const city = db.select().from(cities).where(eq(cities.id, cityId)).get()!;
  const summaries = listModuleSummaries(db, roundId, cityId);
  if (user.role === "department_staff") {
    // Their items only: the counts of other departments' items are not theirs to see.
    return {
      cityCode: city.code,
      modules: myAssignedItems(db, roundId, user).map((m) => ({
        moduleCode: m.code,
        status: m.status,
        version: summaries.find((s) => s.code === m.code)?.version ?? 0,
        answered: m.items.filter((i) => i.answered).length,
        total: m.items.length,
        missingEvidence: m.items.filter((i) => i.missingEvidence).length,
      })),
    };
  }
  return {
    cityCode: city.code,
    modules: summaries.map((m) => ({
      moduleCode: m.code,
      status: m.status,
      version: m.version,
      answered: m.answered,
      total: m.total,
      missingEvidence: m.missingEvidence,
    })),
  };
}

/** Every participating city's status per module (admins). */
export function apiRoundStatuses(db: Db, roundId: number) {
  const cityRows = db
    .select({ id: cities.id, code: cities.code, nameZh: cities.nameZh, nameEn: cities.nameEn })
    .from(roundCities)
    .innerJoin(cities, eq(cities.id, roundCities.cityId))
    .where(eq(roundCities.roundId, roundId))
    .orderBy(cities.id)
    .all();
  const moduleRows = db.select().from(modules).where(eq(modules.roundId, roundId)).orderBy(modules.position).all();
  const statusOf = moduleStatusLookup(
    db
      .select({ cityId: submissions.cityId, moduleId: submissions.moduleId, status: submissions.status })
      .from(submissions)
      .where(eq(submissions.roundId, roundId))
      .all(),
  );
  return {
    cities: cityRows.map((c) => ({
      cityCode: c.code,
      nameZh: c.nameZh,
      nameEn: c.nameEn,
      modules: Object.fromEntries(moduleRows.map((m) => [m.code, statusOf(c.id, m.id)])),
    })),
  };
}

/** A finalised round's totals, ranks and module points (admins). */
export function apiRoundResults(db: Db, round: RoundRow) {
  const rows = db
    .select({
      cityId: results.cityId,
      level: results.level,
      code: results.code,
      points: results.points,
      rank: results.rank,
    })
    .from(results)
    .where(and(eq(results.roundId, round.id), inArray(results.level, ["total", "module"])))
    .all();
  const cityRows = db
    .select({ id: cities.id, code: cities.code, nameZh: cities.nameZh, nameEn: cities.nameEn })
    .from(roundCities)
    .innerJoin(cities, eq(cities.id, roundCities.cityId))
    .where(eq(roundCities.roundId, round.id))
    .all();
  const out = cityRows.map((c) => {
    const own = rows.filter((r) => r.cityId === c.id);
    const total = own.find((r) => r.level === "total");
    return {
      cityCode: c.code,
      nameZh: c.nameZh,
      nameEn: c.nameEn,
      total: points(total?.points ?? 0),
      rank: total?.rank ?? null,
      modules: Object.fromEntries(own.filter((r) => r.level === "module").map((r) => [r.code, points(r.points)])),
    };
  });
  out.sort((a, b) => (a.rank ?? Number.MAX_SAFE_INTEGER) - (b.rank ?? Number.MAX_SAFE_INTEGER));
  return { roundId: round.id, digest: round.digest, cities: out };
}
