/**
 * A round's results computed from its stored data (lib/scoring/round-results.ts): what finalising freezes and
 * signs, what a city's preliminary scorecard shows, and what verification recomputes and compares.
 */
import "server-only";
import { createHash } from "node:crypto";
import { and, asc, eq, sql } from "drizzle-orm";
import { valueInForce } from "@/lib/review/value-in-force";
import { inEngineOrder, itemRowsOf, storedItemsOf } from "@/lib/scoring/item-results";
import {
  type CityInput,
  computeResults,
  type DigestFramework,
  type ItemInput,
  type Participant,
  participantsCanonical,
  type ResultRow,
  type RoundInput,
  rankingCanonical,
  rankingOf,
} from "@/lib/scoring/round-results";
import { moduleStatus } from "@/lib/workflow/module-status";
import type { Db, Tx } from "./client";
import { loadFrameworkShape } from "./framework";
import { listAdjustmentsInForce } from "./item-decisions";
import { cities, itemResults, results, roundCities, rounds, submissions } from "./schema";

export type { ResultRow };

/**
 * What a round's results are computed from, read from the database: the framework, and per participating city
 * each module's status and, for verified modules, each item's value, value in force (lib/review/value-in-force)
 * and evidence. The same shape is what a verification bundle carries (lib/verify/bundle.ts).
 */
export function loadRoundInput(db: Db | Tx, roundId: number, onlyCityId?: number): RoundInput {
  const shape = loadFrameworkShape(db, roundId);
  // One city alone (its preliminary scorecard) has no meaningful ranks; the whole round is what is frozen.
  const participants = db
    .select({ cityId: roundCities.cityId })
    .from(roundCities)
    .where(
      and(eq(roundCities.roundId, roundId), onlyCityId === undefined ? undefined : eq(roundCities.cityId, onlyCityId)),
    )
    .orderBy(asc(roundCities.cityId))
    .all();
  // Everything is read once per round (joined on the round, never one query per city), only the columns the
  // results need, and indexed by submission, then item. One city alone reads only its own rows.
  const inScope = and(
    eq(submissions.roundId, roundId),
    onlyCityId === undefined ? undefined : eq(submissions.cityId, onlyCityId),
  );
  const subs = db
    .select({
      id: submissions.id,
      cityId: submissions.cityId,
      moduleId: submissions.moduleId,
      status: submissions.status,
    })
    .from(submissions)
    .where(inScope)
    .all();
  const bySubmission = <T extends { submissionId: number; itemId: number }>(rows: T[]) => {
    const index = new Map<number, Map<number, T>>();
    for (const row of rows) {
      let own = index.get(row.submissionId);
      if (!own) index.set(row.submissionId, (own = new Map()));
      own.set(row.itemId, row);
    }
    return index;
  };
  // The two big reads (an answer and an evidence row per item of every city) as plain rows of a prepared
  // statement: at national scale, mapping a third of a million rows to objects costs more than reading them.
  const scope = sql`s.round_id = ${roundId}${onlyCityId === undefined ? sql`` : sql` AND s.city_id = ${onlyCityId}`}`;
  const answerOf = bySubmission(
    db
      .values<[number, number, string | null, string | null]>(
        sql`SELECT a.submission_id, a.item_id, a.value, a.not_applicable_reason FROM answers a JOIN submissions s ON s.id = a.submission_id WHERE ${scope}`,
      )
      .map(([submissionId, itemId, value, notApplicableReason]) => ({
        submissionId,
        itemId,
        value: value === null ? null : (JSON.parse(value) as unknown),
        notApplicableReason,
      })),
  );
  const adjustmentOf = bySubmission(listAdjustmentsInForce(db, { roundId }));
  const evidenceOf = new Map<number, Map<number, string[]>>();
  for (const [submissionId, itemId, sha256, url] of db.values<[number, number, string | null, string | null]>(
    sql`SELECT e.submission_id, e.item_id, e.sha256, e.url FROM evidence e JOIN submissions s ON s.id = e.submission_id WHERE ${scope} AND e.deleted_at IS NULL`,
  )) {
    let own = evidenceOf.get(submissionId);
    if (!own) evidenceOf.set(submissionId, (own = new Map()));
    const list = own.get(itemId);
    if (list) list.push(sha256 ?? url ?? "");
    else own.set(itemId, [sha256 ?? url ?? ""]);
  }
  const subOf = new Map(subs.map((s) => [`${s.cityId}:${s.moduleId}`, s]));
  const framework: DigestFramework = shape.map((m) => ({
    code: m.code,
    maxPoints: m.maxPoints,
    indicators: m.indicators.map((i) => ({
      code: i.code,
      maxPoints: i.maxPoints,
      items: i.items.map((x) => ({ code: x.code, type: x.answerType, rule: x.scoringRule, maxPoints: x.maxPoints })),
    })),
  }));
  const itemsOf = new Map(shape.map((m) => [m.module.id, m.indicators.flatMap((i) => i.items)]));
  const cities = participants.map(({ cityId }): CityInput => {
    const modules: Record<string, string> = {};
    const itemInputs: Record<string, ItemInput> = {};
    for (const mod of shape) {
      const sub = subOf.get(`${cityId}:${mod.module.id}`);
      modules[mod.code] = moduleStatus(sub);
      if (sub?.status !== "verified") continue;
      const answersOfSub = answerOf.get(sub.id);
      const adjustmentsOfSub = adjustmentOf.get(sub.id);
      const evidenceOfSub = evidenceOf.get(sub.id);
      for (const item of itemsOf.get(mod.module.id)!) {
        const answer = answersOfSub?.get(item.id);
        const inForce = valueInForce(item, answer, adjustmentsOfSub?.get(item.id)) ?? null;
        const itemEvidence = evidenceOfSub?.get(item.id);
        if (!answer && !inForce && !itemEvidence) continue;
        itemInputs[item.code] = {
          submitted: answer?.value ?? null,
          inForce,
          notApplicable: !!answer?.notApplicableReason,
          evidence: (itemEvidence ?? []).sort(),
        };
      }
    }
    return { cityId, modules, items: itemInputs };
  });
  return { roundId, framework, cities };
}

/** Computes a round's results from its stored data (lib/scoring/round-results.ts). Used to finalise and to verify. */
export function computeRoundResults(db: Db | Tx, roundId: number, onlyCityId?: number) {
  const input = loadRoundInput(db, roundId, onlyCityId);
  const { rows, writeDigestTexts } = computeResults(input);
  const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
  // The round's canonical text runs to tens of megabytes at national scale: hashed piece by piece as it is
  // written, and each city's part in the same pass.
  const hash = createHash("sha256");
  const cityDigestOf: Record<string, string> = {};
  writeDigestTexts({
    round: (chunk) => hash.update(chunk),
    city: (cityId, pieces) => {
      const cityHash = createHash("sha256");
      for (const piece of pieces) cityHash.update(piece);
      cityDigestOf[String(cityId)] = cityHash.digest("hex");
    },
  });
  const cityDigests = () => cityDigestOf;
  // What the report names and ranks: the participants as they are now, and every city's published points.
  const participantsHash = () => sha256(participantsCanonical(listParticipants(db, roundId)));
  const rankingHash = () =>
    sha256(
      rankingCanonical(
        rankingOf(
          rows,
          input.cities.map((c) => c.cityId),
        ),
      ),
    );
  return { rows, digest: hash.digest("hex"), cityDigests, participantsHash, rankingHash };
}

/**
 * Replaces a round's results inside the caller's transaction: indicators, modules and totals a row each with one
 * prepared statement, and each city's items as one array (lib/scoring/item-results.ts).
 */
export function replaceResults(db: Db, roundId: number, rows: ResultRow[]): void {
  db.delete(results).where(eq(results.roundId, roundId)).run();
  db.delete(itemResults).where(eq(itemResults.roundId, roundId)).run();
  const insert = db.$client.prepare(
    "INSERT INTO results (round_id, city_id, level, code, points, rank, review_status, not_submitted) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const insertItems = db.$client.prepare("INSERT INTO item_results (round_id, city_id, items) VALUES (?, ?, ?)");
  // A city's rows are contiguous (lib/scoring/round-results.ts makes them city by city).
  let start = 0;
  while (start < rows.length) {
    const { cityId } = rows[start]!;
    let end = start;
    while (end < rows.length && rows[end]!.cityId === cityId) end++;
    const own = rows.slice(start, end);
    for (const r of own)
      if (r.level !== "item")
        insert.run(roundId, cityId, r.level, r.code, r.points, r.rank ?? null, r.reviewStatus, r.notSubmitted ? 1 : 0);
    insertItems.run(roundId, cityId, JSON.stringify(storedItemsOf(own)));
    start = end;
  }
}

/** A finalised round's stored results (of one city, or all), as rows, city by city in the engine's order. */
export function listStoredResults(db: Db | Tx, roundId: number, onlyCityId?: number): ResultRow[] {
  const ofCity = (column: typeof results.cityId | typeof itemResults.cityId) =>
    onlyCityId === undefined ? undefined : eq(column, onlyCityId);
  const others = db
    .select()
    .from(results)
    .where(and(eq(results.roundId, roundId), ofCity(results.cityId)))
    .orderBy(asc(results.cityId), asc(results.id))
    .all();
  const itemsOf = new Map(
    db
      .select()
      .from(itemResults)
      .where(and(eq(itemResults.roundId, roundId), ofCity(itemResults.cityId)))
      .all()
      .map((r) => [r.cityId, r.items]),
  );
  const framework = loadFrameworkShape(db, roundId);
  const rows: ResultRow[] = [];
  let start = 0;
  while (start < others.length) {
    const { cityId } = others[start]!;
    let end = start;
    while (end < others.length && others[end]!.cityId === cityId) end++;
    const own = others.slice(start, end).map(
      (r): ResultRow => ({
        roundId,
        cityId,
        level: r.level,
        code: r.code,
        points: r.points,
        rank: r.rank,
        reviewStatus: r.reviewStatus ?? "",
        notSubmitted: r.notSubmitted,
      }),
    );
    rows.push(...inEngineOrder(framework, [...itemRowsOf(roundId, cityId, itemsOf.get(cityId) ?? []), ...own]));
    start = end;
  }
  return rows;
}

/** The round's cities with what the report shows of them. */
export function listParticipants(db: Db | Tx, roundId: number): Participant[] {
  return db
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
    .orderBy(asc(cities.id))
    .all();
}

export type RecomputeReport = { ok: boolean; storedDigest: string | null; digest: string; differences: string[] };

/** Recomputes a finalised round from its stored data and compares scores, ranks and digest with the snapshot. */
export function recomputeRound(db: Db, roundId: number): RecomputeReport {
  const round = db.select().from(rounds).where(eq(rounds.id, roundId)).get();
  if (!round) throw new Error(`no round ${roundId}`);
  const { rows, digest } = computeRoundResults(db, roundId);
  const stored = listStoredResults(db, roundId);
  const key = (r: { cityId: number; level: string; code: string }) => `${r.cityId}/${r.level}/${r.code}`;
  const storedByKey = new Map(stored.map((r) => [key(r), r]));
  const differences: string[] = [];
  for (const row of rows) {
    const s = storedByKey.get(key(row));
    if (!s) differences.push(`${key(row)}: missing from the snapshot`);
    else if (s.points !== row.points || (s.rank ?? null) !== (row.rank ?? null)) {
      differences.push(
        `${key(row)}: stored ${s.points} (rank ${s.rank ?? "-"}), recomputed ${row.points} (rank ${row.rank ?? "-"})`,
      );
    } else {
      // What the scorecard, the ranking's flags and the exports show must be what was computed, too.
      const shown = (r: {
        submittedValue?: unknown;
        verifiedValue?: unknown;
        reviewStatus?: string | null;
        notSubmitted?: boolean;
      }) =>
        JSON.stringify([r.submittedValue ?? null, r.verifiedValue ?? null, r.reviewStatus ?? null, !!r.notSubmitted]);
      if (shown(s) !== shown(row)) differences.push(`${key(row)}: stored values ${shown(s)}, recomputed ${shown(row)}`);
    }
    storedByKey.delete(key(row));
  }
  for (const k of storedByKey.keys()) differences.push(`${k}: not recomputed`);
  if (round.digest !== digest) differences.push(`digest: stored ${round.digest ?? "none"}, recomputed ${digest}`);
  return { ok: differences.length === 0, storedDigest: round.digest, digest, differences };
}
