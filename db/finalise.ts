/**
 * Closing a round: what still blocks it, marking modules not submitted, and finalisation — every score
 * computed by the one engine from the verified values, ranked, frozen as results with a SHA-256 digest over
 * a canonical snapshot anyone can recompute. Database triggers then refuse writes to the round's data.
 */
import "server-only";
import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import type { SessionUser } from "@/lib/domain";
import { scoreFramework, type ScorableAnswer } from "@/lib/scoring/engine";
import { formatPoints } from "@/lib/i18n/pick";
import { valueInForce } from "@/lib/review/value-in-force";
import { rank } from "@/lib/scoring/statistics";
import { decide, type WorkflowRefusal } from "@/lib/workflow/transitions";
import { appendAudit } from "./audit";
import type { FinalisationRecord, SignedRecord } from "@/lib/signing/signature";
import { signFinalisation } from "./signatures";
import type { Db } from "./client";
import { loadFrameworkShape } from "./questionnaire";
import { countOpenAppeals } from "./appeals";
import { listAdjustmentsInForce } from "./reviews";
import { answers, cities, evidence, notifications, results, roundCities, rounds, submissions, users } from "./schema";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export type Blocker = { cityId: number; cityCode: string; cityNameZh: string; cityNameEn: string; moduleCode: string; status: string };

/** Every participating city × module that is neither verified nor marked not submitted. */
export function listBlockers(db: Db | Tx, roundId: number): Blocker[] {
  const shape = loadFrameworkShape(db, roundId);
  const participants = db
    .select({ id: cities.id, code: cities.code, nameZh: cities.nameZh, nameEn: cities.nameEn })
    .from(roundCities)
    .innerJoin(cities, eq(cities.id, roundCities.cityId))
    .where(eq(roundCities.roundId, roundId))
    .orderBy(asc(cities.id))
    .all();
  const subs = db.select({ cityId: submissions.cityId, moduleId: submissions.moduleId, status: submissions.status }).from(submissions).where(eq(submissions.roundId, roundId)).all();
  const blockers: Blocker[] = [];
  for (const city of participants) {
    for (const mod of shape) {
      const status = subs.find((s) => s.cityId === city.id && s.moduleId === mod.module.id)?.status ?? "not_started";
      if (status !== "verified" && status !== "not_submitted") {
        blockers.push({ cityId: city.id, cityCode: city.code, cityNameZh: city.nameZh, cityNameEn: city.nameEn, moduleCode: mod.code, status });
      }
    }
  }
  return blockers;
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
      const participates = tx.select().from(roundCities).where(and(eq(roundCities.roundId, input.roundId), eq(roundCities.cityId, input.cityId))).get();
      const inRound = loadFrameworkShape(tx, input.roundId).some((m) => m.module.id === input.moduleId);
      if (!round || !participates || !inRound) return { ok: false as const, reason: "notFound" as const };
      const sub = tx.select().from(submissions).where(and(eq(submissions.roundId, input.roundId), eq(submissions.cityId, input.cityId), eq(submissions.moduleId, input.moduleId))).get();
      const decision = decide("mark_not_submitted", { role: user.role, state: sub?.status ?? "draft", roundStatus: round.status, reason: input.reason });
      if (!decision.ok) return decision;
      const values = { status: decision.to, notSubmittedReason: input.reason.trim(), updatedAt: now };
      const id = sub
        ? (tx.update(submissions).set(values).where(eq(submissions.id, sub.id)).run(), sub.id)
        : tx.insert(submissions).values({ roundId: input.roundId, cityId: input.cityId, moduleId: input.moduleId, version: 0, ...values }).returning({ id: submissions.id }).get().id;
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

export type ResultRow = Omit<typeof results.$inferInsert, "id">;

/**
 * Computes a round's results from its stored data: the verified answers with the values in force
 * (lib/review/value-in-force), not-submitted modules as 0. Used to finalise and to recompute.
 */
export function computeRoundResults(db: Db | Tx, roundId: number, onlyCityId?: number) {
  const shape = loadFrameworkShape(db, roundId);
  // One city alone (its preliminary scorecard) has no meaningful ranks; the whole round is what is frozen.
  const participants = db
    .select({ cityId: roundCities.cityId })
    .from(roundCities)
    .where(and(eq(roundCities.roundId, roundId), onlyCityId === undefined ? undefined : eq(roundCities.cityId, onlyCityId)))
    .orderBy(asc(roundCities.cityId))
    .all();
  const subs = db.select().from(submissions).where(eq(submissions.roundId, roundId)).all();
  // Everything is read once per round (joined on the round, never one query per city) and indexed by key.
  const inRound = eq(submissions.roundId, roundId);
  const answerOf = new Map(
    db.select({ answer: answers }).from(answers).innerJoin(submissions, eq(submissions.id, answers.submissionId)).where(inRound).all().map(({ answer }) => [`${answer.submissionId}:${answer.itemId}`, answer]),
  );
  const adjustmentOf = new Map(listAdjustmentsInForce(db, { roundId }).map((a) => [`${a.submissionId}:${a.itemId}`, a]));
  const evidenceOf = new Map<string, string[]>();
  for (const e of db
    .select({ submissionId: evidence.submissionId, itemId: evidence.itemId, sha256: evidence.sha256, url: evidence.url })
    .from(evidence)
    .innerJoin(submissions, eq(submissions.id, evidence.submissionId))
    .where(and(inRound, isNull(evidence.deletedAt)))
    .all()) {
    const key = `${e.submissionId}:${e.itemId}`;
    evidenceOf.set(key, [...(evidenceOf.get(key) ?? []), e.sha256 ?? e.url ?? ""]);
  }
  const subOf = new Map(subs.map((s) => [`${s.cityId}:${s.moduleId}`, s]));

  const rows: ResultRow[] = [];
  const values: { cityId: number; itemCode: string; submitted: unknown; verified: unknown; notApplicable: boolean; evidence: string[] }[] = [];
  const totals: { cityId: number; total: number; modules: Record<string, number>; rows: { total: ResultRow; modules: Record<string, ResultRow> } }[] = [];
  for (const { cityId } of participants) {
    const effective: Record<string, ScorableAnswer | undefined> = {};
    const entered = new Map<string, (typeof values)[number]>();
    const statusOf: Record<string, string> = {};
    for (const mod of shape) {
      const sub = subOf.get(`${cityId}:${mod.module.id}`);
      statusOf[mod.code] = sub?.status ?? "not_started";
      if (sub?.status !== "verified") continue; // not submitted (or not verified): every item scores 0
      for (const item of mod.indicators.flatMap((i) => i.items)) {
        const key = `${sub.id}:${item.id}`;
        const answer = answerOf.get(key);
        effective[item.code] = valueInForce(item, answer, adjustmentOf.get(key));
        const value = {
          cityId,
          itemCode: item.code,
          submitted: answer?.value ?? null,
          verified: effective[item.code]?.urlJudgement ?? effective[item.code]?.value ?? null,
          notApplicable: !!answer?.notApplicableReason,
          evidence: (evidenceOf.get(key) ?? []).sort(),
        };
        values.push(value);
        entered.set(item.code, value);
      }
    }
    const card = scoreFramework(shape, effective);
    const moduleRows: Record<string, ResultRow> = {};
    for (const mod of shape) {
      const status = statusOf[mod.code]!;
      for (const ind of mod.indicators) {
        for (const item of ind.items) {
          const v = entered.get(item.code);
          rows.push({ roundId, cityId, level: "item", code: item.code, points: card.items[item.code] ?? 0, submittedValue: v?.submitted ?? null, verifiedValue: v?.verified ?? null, reviewStatus: status, notSubmitted: status !== "verified" });
        }
        rows.push({ roundId, cityId, level: "indicator", code: ind.code, points: card.indicators[ind.code] ?? 0, reviewStatus: status, notSubmitted: status !== "verified" });
      }
      moduleRows[mod.code] = { roundId, cityId, level: "module", code: mod.code, points: card.modules[mod.code] ?? 0, reviewStatus: status, notSubmitted: status !== "verified" };
      rows.push(moduleRows[mod.code]!);
    }
    const anyMissing = shape.some((m) => statusOf[m.code] !== "verified");
    // A city that submitted no module at all took no part: listed as such, without a rank.
    const absent = shape.every((m) => statusOf[m.code] !== "verified");
    const totalRow: ResultRow = { roundId, cityId, level: "total", code: "", points: card.total, reviewStatus: absent ? "absent" : anyMissing ? "incomplete" : "verified", notSubmitted: anyMissing };
    rows.push(totalRow);
    if (!absent) totals.push({ cityId, total: card.total, modules: card.modules, rows: { total: totalRow, modules: moduleRows } });
  }
  // Ranks of totals and of each module among the cities that took part, ties sharing a rank.
  for (const [entry, position] of rank(totals, (t) => t.total)) entry.rows.total.rank = position;
  for (const mod of shape) {
    for (const [entry, position] of rank(totals, (t) => t.modules[mod.code] ?? 0)) entry.rows.modules[mod.code]!.rank = position;
  }
  const framework = shape.map((m) => ({
    code: m.code,
    maxPoints: m.maxPoints,
    indicators: m.indicators.map((i) => ({ code: i.code, maxPoints: i.maxPoints, items: i.items.map((x) => ({ code: x.code, type: x.answerType, rule: x.rule, maxPoints: x.maxPoints })) })),
  }));
  const canonical = canonicalize({ roundId, framework, values, results: rows.map((r) => ({ cityId: r.cityId, level: r.level, code: r.code, points: r.points, rank: r.rank ?? null, notSubmitted: r.notSubmitted })) }) ?? "";
  return { rows, digest: createHash("sha256").update(canonical).digest("hex") };
}

export type FinaliseResult =
  | { ok: true; digest: string; cities: number; signed: SignedRecord<FinalisationRecord> }
  | { ok: false; reason: "notFound" | "roundNotOpen" | "roleNotAllowed" }
  | { ok: false; reason: "blocked"; blockers: Blocker[] }
  | { ok: false; reason: "appealsOpen"; count: number };

/** Finalises an open round once nothing blocks it; the round is then locked (server and database). */
export function finaliseRound(db: Db, user: SessionUser, roundId: number, now = new Date()): FinaliseResult {
  if (user.role !== "admin") return { ok: false, reason: "roleNotAllowed" };
  return db.transaction(
    (tx): FinaliseResult => {
      const round = tx.select().from(rounds).where(eq(rounds.id, roundId)).get();
      if (!round) return { ok: false, reason: "notFound" };
      if (round.status !== "open") return { ok: false, reason: "roundNotOpen" };
      const blockers = listBlockers(tx, roundId);
      if (blockers.length) return { ok: false, reason: "blocked", blockers };
      const openAppeals = countOpenAppeals(tx, roundId);
      if (openAppeals) return { ok: false, reason: "appealsOpen", count: openAppeals };
      const { rows, digest } = computeRoundResults(tx, roundId);
      tx.delete(results).where(eq(results.roundId, roundId)).run();
      for (let i = 0; i < rows.length; i += 500) tx.insert(results).values(rows.slice(i, i + 500)).run();
      const cityCount = new Set(rows.map((r) => r.cityId)).size;
      notifyResultsPublished(tx, round, rows, now);
      // The audit entry first: the database lets the status and digest change only right after it (drizzle/0007);
      // it is the head of the chain the signature covers.
      const head = appendAudit(tx, { actorId: user.id, action: "round.finalised", entityType: "round", entityId: roundId, roundId, before: { status: round.status }, after: { status: "finalised", digest, cities: cityCount } });
      tx.update(rounds).set({ status: "finalised", finalisedAt: now, finalisedBy: user.id, digest }).where(eq(rounds.id, roundId)).run();
      const signed = signFinalisation(tx, round, digest, cityCount, head, now);
      return { ok: true, digest, cities: cityCount, signed };
    },
    { behavior: "immediate" },
  );
}

/** Tells every active staff member of each participating city that the results are out: the city's total and rank. */
function notifyResultsPublished(tx: Tx, round: typeof rounds.$inferSelect, rows: ResultRow[], now: Date) {
  const totals = rows.filter((r) => r.level === "total");
  const ranked = totals.filter((r) => r.rank !== null).length;
  const cityRows = tx.select({ id: cities.id, code: cities.code }).from(cities).where(inArray(cities.id, totals.map((r) => r.cityId))).all();
  const codeOf = new Map(cityRows.map((c) => [c.id, c.code]));
  const staff = tx.select({ id: users.id, cityId: users.cityId }).from(users).where(and(eq(users.active, true), inArray(users.cityId, totals.map((r) => r.cityId)))).all();
  const byCity = new Map(totals.map((r) => [r.cityId, r]));
  const values = staff.map((u) => {
    const total = byCity.get(u.cityId!)!;
    const published = { roundZh: round.name, roundEn: round.nameEn || round.name, points: formatPoints(total.points), rank: total.rank ?? 0, ranked };
    return {
      userId: u.id,
      kind: total.rank === null ? "resultsPublishedUnranked" : "resultsPublished",
      params: published,
      href: `/rounds/${round.id}/report/cities/${codeOf.get(u.cityId!)}`,
      createdAt: now,
    };
  });
  for (let i = 0; i < values.length; i += 500) tx.insert(notifications).values(values.slice(i, i + 500)).run();
}

/** Reopening a finalised round: an admin with a reason, logged; results stay until the next finalisation. */
export function reopenRound(db: Db, user: SessionUser, roundId: number, reason: string, now = new Date()): { ok: true } | { ok: false; reason: "notFound" | "wrongState" | "roleNotAllowed" | "reasonRequired" } {
  if (user.role !== "admin") return { ok: false, reason: "roleNotAllowed" };
  if (!reason.trim()) return { ok: false, reason: "reasonRequired" };
  return db.transaction(
    (tx) => {
      const round = tx.select().from(rounds).where(eq(rounds.id, roundId)).get();
      if (!round) return { ok: false as const, reason: "notFound" as const };
      if (round.status !== "finalised") return { ok: false as const, reason: "wrongState" as const };
      appendAudit(tx, { actorId: user.id, action: "round.reopened", entityType: "round", entityId: roundId, roundId, before: { status: "finalised", digest: round.digest, at: now.toISOString() }, after: { status: "open", reason: reason.trim() } });
      tx.update(rounds).set({ status: "open" }).where(eq(rounds.id, roundId)).run();
      return { ok: true as const };
    },
    { behavior: "immediate" },
  );
}

export type RecomputeReport = { ok: boolean; storedDigest: string | null; digest: string; differences: string[] };

/** Recomputes a finalised round from its stored data and compares scores, ranks and digest with the snapshot. */
export function recomputeRound(db: Db, roundId: number): RecomputeReport {
  const round = db.select().from(rounds).where(eq(rounds.id, roundId)).get();
  if (!round) throw new Error(`no round ${roundId}`);
  const { rows, digest } = computeRoundResults(db, roundId);
  const stored = db.select().from(results).where(eq(results.roundId, roundId)).all();
  const key = (r: { cityId: number; level: string; code: string }) => `${r.cityId}/${r.level}/${r.code}`;
  const storedByKey = new Map(stored.map((r) => [key(r), r]));
  const differences: string[] = [];
  for (const row of rows) {
    const s = storedByKey.get(key(row));
    if (!s) differences.push(`${key(row)}: missing from the snapshot`);
    else if (s.points !== row.points || (s.rank ?? null) !== (row.rank ?? null)) {
      differences.push(`${key(row)}: stored ${s.points} (rank ${s.rank ?? "-"}), recomputed ${row.points} (rank ${row.rank ?? "-"})`);
    }
    storedByKey.delete(key(row));
  }
  for (const k of storedByKey.keys()) differences.push(`${k}: not recomputed`);
  if (round.digest !== digest) differences.push(`digest: stored ${round.digest ?? "none"}, recomputed ${digest}`);
  return { ok: differences.length === 0, storedDigest: round.digest, digest, differences };
}
