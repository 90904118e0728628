/**
 * Closing a round: what still blocks it, marking modules not submitted, and finalisation — every score
 * computed by the one engine from the verified values, ranked, frozen as results with a SHA-256 digest over
 * a canonical snapshot anyone can recompute. Database triggers then refuse writes to the round's data.
 */
import "server-only";
import { and, asc, eq, inArray } from "drizzle-orm";
import type { ModuleStatus, SessionUser } from "@/lib/domain";
import { type ResultRow } from "@/lib/scoring/round-results";
import type { FinalisationRecord, SignedRecord } from "@/lib/signing/signature";
import { isSettled, moduleStatusLookup } from "@/lib/workflow/module-status";
import { decideRound, type RoundRefusal } from "@/lib/workflow/round-lifecycle";
import { decide, type WorkflowRefusal } from "@/lib/workflow/transitions";
import { countOpenAppeals } from "./appeal-lists";
import { appendAudit } from "./audit";
import type { Db, Tx } from "./client";
import { loadFrameworkShape } from "./framework";
import { computeRoundResults, replaceResults } from "./results";
import { cities, notifications, roundCities, rounds, submissions, users } from "./schema";
import { signFinalisation } from "./signatures";
import { enqueueWebhookEvent } from "./webhooks";

export type Blocker = {
  cityId: number;
  cityCode: string;
  cityNameZh: string;
  cityNameEn: string;
  moduleCode: string;
  status: ModuleStatus;
};

/** Every participating city × module that is neither verified nor marked not submitted. */
export function listBlockers(db: Db | Tx, roundId: number): Blocker[] {
  const shape = loadFrameworkShape(db, roundId);
  const participants = db
    .select({ id: roundCities.cityId })
    .from(roundCities)
    .where(eq(roundCities.roundId, roundId))
    .orderBy(asc(roundCities.cityId))
    .all();
  const statusOf = moduleStatusLookup(
    db
      .select({ cityId: submissions.cityId, moduleId: submissions.moduleId, status: submissions.status })
      .from(submissions)
      .where(eq(submissions.roundId, roundId))
      .all(),
  );
  const open: { cityId: number; moduleCode: string; status: ModuleStatus }[] = [];
  for (const city of participants) {
    for (const mod of shape) {
      const status = statusOf(city.id, mod.module.id);
      if (!isSettled(status)) open.push({ cityId: city.id, moduleCode: mod.code, status });
    }
  }
  if (!open.length) return [];
  // Names only of the cities that block: a national round that is ready to finalise has 2,800 participants.
  const named = new Map(
    db
      .select({ id: cities.id, code: cities.code, nameZh: cities.nameZh, nameEn: cities.nameEn })
      .from(cities)
      .where(inArray(cities.id, [...new Set(open.map((b) => b.cityId))]))
      .all()
      .map((c) => [c.id, c]),
  );
  return open.map(({ cityId, moduleCode, status }) => {
    const city = named.get(cityId)!;
    return { cityId, cityCode: city.code, cityNameZh: city.nameZh, cityNameEn: city.nameEn, moduleCode, status };
  });
}

/** An admin closes a module the city never completed; it scores 0 and is flagged in every output. */
export function markNotSubmitted(
  db: Db,
  user: SessionUser,
  input: { roundId: number; cityId: number; moduleId: number; reason: string },
  now = new Date(),
): { ok: true } | { ok: false; reason: WorkflowRefusal | "notFound" } {
  return db.transaction(
    (tx) => {
      const round = tx.select().from(rounds).where(eq(rounds.id, input.roundId)).get();
      const participates = tx
        .select()
        .from(roundCities)
        .where(and(eq(roundCities.roundId, input.roundId), eq(roundCities.cityId, input.cityId)))
        .get();
      const inRound = loadFrameworkShape(tx, input.roundId).some((m) => m.module.id === input.moduleId);
      if (!round || !participates || !inRound) return { ok: false as const, reason: "notFound" as const };
      const sub = tx
        .select()
        .from(submissions)
        .where(
          and(
            eq(submissions.roundId, input.roundId),
            eq(submissions.cityId, input.cityId),
            eq(submissions.moduleId, input.moduleId),
          ),
        )
        .get();
      const decision = decide("mark_not_submitted", {
        role: user.role,
        state: sub?.status ?? "draft",
        roundStatus: round.status,
        reason: input.reason,
      });
      if (!decision.ok) return decision;
      const values = { status: decision.to, notSubmittedReason: input.reason.trim(), updatedAt: now };
      const id = sub
        ? (tx.update(submissions).set(values).where(eq(submissions.id, sub.id)).run(), sub.id)
        : tx
            .insert(submissions)
            .values({ roundId: input.roundId, cityId: input.cityId, moduleId: input.moduleId, version: 0, ...values })
            .returning({ id: submissions.id })
            .get().id;
      appendAudit(tx, {
        actorId: user.id,
        action: "submission.not_submitted",
        entityType: "submission",
        entityId: id,
        roundId: input.roundId,
        cityId: input.cityId,
        before: sub ? { status: sub.status } : null,
        after: { status: decision.to, reason: input.reason.trim() },
      });
      return { ok: true as const };
    },
    { behavior: "immediate" },
  );
}

export type FinaliseResult =
  | { ok: true; digest: string; cities: number; signed: SignedRecord<FinalisationRecord> }
  | { ok: false; reason: "notFound" | RoundRefusal }
  | { ok: false; reason: "blocked"; blockers: Blocker[] }
  | { ok: false; reason: "appealsOpen"; count: number };

/** Finalises an open round once nothing blocks it; the round is then locked (server and database). */
export function finaliseRound(db: Db, user: SessionUser, roundId: number, now = new Date()): FinaliseResult {
  return db.transaction(
    (tx): FinaliseResult => {
      const round = tx.select().from(rounds).where(eq(rounds.id, roundId)).get();
      if (!round) return { ok: false, reason: user.role === "admin" ? "notFound" : "roleNotAllowed" };
      const decision = decideRound("finalise", { status: round.status, role: user.role });
      if (!decision.ok) return decision;
      const blockers = listBlockers(tx, roundId);
      if (blockers.length) return { ok: false, reason: "blocked", blockers };
      const openAppeals = countOpenAppeals(tx, roundId);
      if (openAppeals) return { ok: false, reason: "appealsOpen", count: openAppeals };
      const {
        cities: cityResults,
        digest,
        cityDigests,
        participantsHash,
        rankingHash,
      } = computeRoundResults(db, roundId);
      replaceResults(db, roundId, cityResults);
      const cityCount = cityResults.length;
      notifyResultsPublished(
        tx,
        round,
        cityResults.flatMap((c) => c.ranked),
        now,
      );
      // The audit entry first: the database lets the status and digest change only right after it (drizzle/0007);
      // it is the head of the chain the signature covers.
      const head = appendAudit(tx, {
        actorId: user.id,
        action: "round.finalised",
        entityType: "round",
        entityId: roundId,
        roundId,
        before: { status: round.status },
        after: { status: "finalised", digest, cities: cityCount },
      });
      tx.update(rounds)
        .set({ status: "finalised", finalisedAt: now, finalisedBy: user.id, digest })
        .where(eq(rounds.id, roundId))
        .run();
      enqueueWebhookEvent(tx, "finalised", { roundId, digest, cities: cityCount }, now);
      const signed = signFinalisation(
        tx,
        round,
        {
          digest,
          cityDigests: cityDigests(),
          participantsHash: participantsHash(),
          rankingHash: rankingHash(),
          cities: cityCount,
        },
        head,
        now,
      );
      return { ok: true, digest, cities: cityCount, signed };
    },
    { behavior: "immediate" },
  );
}

/** Tells every active lead of each participating city that the results are out: the city's total and rank. */
function notifyResultsPublished(tx: Tx, round: typeof rounds.$inferSelect, rows: ResultRow[], now: Date) {
  const totals = rows.filter((r) => r.level === "total");
  const ranked = totals.filter((r) => r.rank != null).length;
  // The active staff of the participating cities, joined rather than listed: a national round has 2,800 cities.
  const staff = tx
    .select({ id: users.id, cityId: roundCities.cityId, cityCode: cities.code })
    .from(users)
    .innerJoin(roundCities, and(eq(roundCities.roundId, round.id), eq(roundCities.cityId, users.cityId)))
    .innerJoin(cities, eq(cities.id, roundCities.cityId))
    // The cities' leads: department users fill items, results are the lead's (lib/auth/policy.ts maySeeScorecard).
    .where(and(eq(users.active, true), eq(users.role, "city_staff")))
    .all();
  const byCity = new Map(totals.map((r) => [r.cityId, r]));
  const values = staff.flatMap((u) => {
    const total = byCity.get(u.cityId);
    if (!total) return [];
    const published = {
      roundZh: round.name,
      roundEn: round.nameEn || round.name,
      pointsHundredths: total.points,
      rank: total.rank ?? 0,
      ranked,
    };
    return [
      {
        userId: u.id,
        kind: total.rank == null ? "resultsPublishedUnranked" : "resultsPublished",
        params: published,
        href: `/rounds/${round.id}/report/cities/${u.cityCode}`,
        createdAt: now,
      },
    ];
  });
  for (let i = 0; i < values.length; i += 500)
    tx.insert(notifications)
      .values(values.slice(i, i + 500))
      .run();
}

/** Reopening a finalised round: an admin with a reason, logged; results stay until the next finalisation. */
export function reopenRound(
  db: Db,
  user: SessionUser,
  roundId: number,
  reason: string,
  now = new Date(),
): { ok: true } | { ok: false; reason: "notFound" | RoundRefusal } {
  return db.transaction(
    (tx) => {
      const round = tx.select().from(rounds).where(eq(rounds.id, roundId)).get();
      if (!round)
        return {
          ok: false as const,
          reason: user.role === "admin" ? ("notFound" as const) : ("roleNotAllowed" as const),
        };
      const decision = decideRound("reopen", { status: round.status, role: user.role, reason });
      if (!decision.ok) return decision;
      appendAudit(tx, {
        actorId: user.id,
        action: "round.reopened",
        entityType: "round",
        entityId: roundId,
        roundId,
        before: { status: "finalised", digest: round.digest, at: now.toISOString() },
        after: { status: "open", reason: reason.trim() },
      });
      tx.update(rounds).set({ status: "open" }).where(eq(rounds.id, roundId)).run();
      // A receiver that took the finalised results must learn they are no longer final.
      enqueueWebhookEvent(tx, "round_reopened", { roundId, previousDigest: round.digest, reason: reason.trim() }, now);
      return { ok: true as const };
    },
    { behavior: "immediate" },
  );
}
