/**
 * A round's results computed from its stored data (lib/scoring/round-results.ts): what finalising freezes and
 * signs, what a city's preliminary scorecard shows, and what verification recomputes and compares.
 */
import "server-only";
import { createHash, type Hash } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import { valueInForce } from "@/lib/review/value-in-force";
import { detailRowsOf, inEngineOrder } from "@/lib/scoring/result-details";
import {
  type CityInput,
  type CityResults,
  computeResults,
  type DigestFramework,
  type DigestSinks,
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
import { type AdjustmentInForce, listAdjustmentsInForce } from "./item-decisions";
import { cities, resultDetails, results, roundCities, rounds, submissions } from "./schema";

export type { ResultRow };

/**
 * What a round's results are computed from, read from the database: the framework, and per participating city
 * each module's status and, for verified modules, each item's value, value in force (lib/review/value-in-force)
 * and evidence. The same shape is what a verification bundle carries (lib/verify/bundle.ts).
 */
export function loadRoundInput(db: Db, roundId: number, onlyCityId?: number): RoundInput {
  const input = readRoundInput(db, roundId, onlyCityId);
  return { ...input, cities: [...input.cities] };
}

/** `loadRoundInput` with the cities read as they are taken, a batch at a time, for one pass over a national round. */
function readRoundInput(db: Db, roundId: number, onlyCityId?: number) {
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
  const subs = db
    .select({
      id: submissions.id,
      cityId: submissions.cityId,
      moduleId: submissions.moduleId,
      status: submissions.status,
    })
    .from(submissions)
    .where(
      and(eq(submissions.roundId, roundId), onlyCityId === undefined ? undefined : eq(submissions.cityId, onlyCityId)),
    )
    .all();
  const subOf = new Map(subs.map((s) => [`${s.cityId}:${s.moduleId}`, s]));
  const adjustmentOf = new BySubmission<AdjustmentInForce>();
  for (const adjustment of listAdjustmentsInForce(db, { roundId }))
    adjustmentOf.set(adjustment.submissionId, adjustment.itemId, adjustment);
  // The two big reads (an answer and an evidence row per item of every verified module), a few hundred cities at a
  // time, gathered by SQLite into one text: three lines per verified module, its submission id, its answers and its
  // evidence as JSON arrays (JSON text has no raw line breaks). At national scale a row per answer and per evidence
  // file costs more to hand over than to read, and one text of megabytes is never copied by the garbage collector
  // while its cities wait, as a thousand small ones are.
  const verifiedModules = db.$client
    .prepare<unknown[], string | null>(
      `SELECT group_concat(s.id || char(10) ||
        (SELECT json_group_array(json_array(a.item_id, json(coalesce(a.value, 'null')), a.not_applicable_reason))
          FROM answers a WHERE a.submission_id = s.id) || char(10) ||
        (SELECT json_group_array(json_array(e.item_id, coalesce(e.sha256, e.url, '')))
          FROM evidence e WHERE e.submission_id = s.id AND e.deleted_at IS NULL), char(10))
      FROM submissions s WHERE s.round_id = ? AND s.status = 'verified' AND s.city_id BETWEEN ? AND ?`,
    )
    .pluck();
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
  // Each item's place among its module's items, by item id.
  const placeOf = new Map([...itemsOf.values()].flatMap((own) => own.map((x, at) => [x.id, at] as const)));
  function* cities(): Generator<CityInput> {
    for (let i = 0; i < participants.length; i += CITIES_PER_READ) {
      const batch = participants.slice(i, i + CITIES_PER_READ);
      const range = [roundId, batch[0]!.cityId, batch.at(-1)!.cityId];
      // Where each verified module's answers and evidence are in the batch's text, by submission: parsed only
      // when its city is taken, so that a batch waits as one string rather than a hundred thousand objects.
      const text = verifiedModules.get(...range) ?? "";
      const linesOf = new Map<number, [answersStart: number, answersEnd: number, evidenceEnd: number]>();
      for (let start = 0; start < text.length; ) {
        const idEnd = text.indexOf("\n", start);
        const answersEnd = text.indexOf("\n", idEnd + 1);
        const evidenceEnd = text.indexOf("\n", answersEnd + 1);
        const end = evidenceEnd === -1 ? text.length : evidenceEnd;
        linesOf.set(Number(text.slice(start, idEnd)), [idEnd + 1, answersEnd, end]);
        start = end + 1;
      }
      for (const { cityId } of batch) {
        const modules: Record<string, string> = {};
        const itemInputs: Record<string, ItemInput> = {};
        for (const mod of shape) {
          const sub = subOf.get(`${cityId}:${mod.module.id}`);
          modules[mod.code] = moduleStatus(sub);
          if (sub?.status !== "verified") continue;
          const items = itemsOf.get(mod.module.id)!;
          const lines = linesOf.get(sub.id);
          const answers = lines ? text.slice(lines[0], lines[1]) : "[]";
          const evidence = lines ? text.slice(lines[1] + 1, lines[2]) : "[]";
          const answerAt: ({ value: unknown; notApplicableReason: string | null } | undefined)[] = [];
          const evidenceAt: (string[] | undefined)[] = [];
          for (const [itemId, value, notApplicableReason] of JSON.parse(answers) as [
            number,
            unknown,
            string | null,
          ][]) {
            const at = placeOf.get(itemId);
            if (at !== undefined && items[at]!.id === itemId) answerAt[at] = { value, notApplicableReason };
          }
          for (const [itemId, fileOrLink] of JSON.parse(evidence) as [number, string][]) {
            const at = placeOf.get(itemId);
            if (at !== undefined && items[at]!.id === itemId) (evidenceAt[at] ??= []).push(fileOrLink);
          }
          for (let at = 0; at < items.length; at++) {
            const item = items[at]!;
            const answer = answerAt[at];
            const inForce = valueInForce(item, answer, adjustmentOf.get(sub.id, item.id)) ?? null;
            const itemEvidence = evidenceAt[at];
            if (!answer && !inForce && !itemEvidence) continue;
            itemInputs[item.code] = {
              submitted: answer?.value ?? null,
              inForce,
              notApplicable: !!answer?.notApplicableReason,
              evidence: (itemEvidence ?? []).sort(),
            };
          }
        }
        yield { cityId, modules, items: itemInputs };
      }
    }
  }
  return { roundId, framework, cities: cities() };
}

/** Rows indexed by submission, then item: no key to build for each of a third of a million rows. */
class BySubmission<T> {
  private readonly index = new Map<number, Map<number, T>>();
  get(submissionId: number, itemId: number): T | undefined {
    return this.index.get(submissionId)?.get(itemId);
  }
  set(submissionId: number, itemId: number, value: T): void {
    let own = this.index.get(submissionId);
    if (!own) this.index.set(submissionId, (own = new Map()));
    own.set(itemId, value);
  }
}

/** Cities whose answers and evidence are read at once when a round's results are computed. */
const CITIES_PER_READ = 200;

/** Computes a round's results from its stored data (lib/scoring/round-results.ts). Used to finalise and to verify. */
export function computeRoundResults(db: Db, roundId: number, onlyCityId?: number) {
  // The round's canonical text runs to tens of megabytes at national scale: hashed piece by piece as it is
  // written. Each city's own text is hashed as it comes too, begun while the city is scored.
  const hash = createHash("sha256");
  const cityHashes = new Map<number, Hash>();
  const sinks: DigestSinks = {
    round: (chunk) => hash.update(chunk),
    city: (cityId, pieces) => {
      let cityHash = cityHashes.get(cityId);
      if (!cityHash) cityHashes.set(cityId, (cityHash = createHash("sha256")));
      for (const piece of pieces) cityHash.update(piece);
    },
  };
  const computed = computeResults(readRoundInput(db, roundId, onlyCityId), sinks);
  const { cities: cityResults, cityIds } = computed;
  computed.writeDigestTexts(sinks);
  const cityDigestOf: Record<string, string> = {};
  for (const [cityId, cityHash] of cityHashes) cityDigestOf[String(cityId)] = cityHash.digest("hex");
  const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
  const cityDigests = () => cityDigestOf;
  // What the report names and ranks: the participants as they are now, and every city's published points.
  const participantsHash = () => sha256(participantsCanonical(listParticipants(db, roundId)));
  const rankingHash = () =>
    sha256(
      rankingCanonical(
        rankingOf(
          cityResults.flatMap((c) => c.ranked),
          cityIds,
        ),
      ),
    );
  return {
    /** every row, made when asked for (finalising a national round writes from `cities`) */
    get rows() {
      return computed.rows;
    },
    cities: cityResults,
    digest: hash.digest("hex"),
    cityDigests,
    participantsHash,
    rankingHash,
  };
}

/**
 * Replaces a round's results inside the caller's transaction: its total and modules a row each with one prepared
 * statement, its indicators and items as one array (lib/scoring/result-details.ts).
 */
export function replaceResults(db: Db, roundId: number, cities: CityResults[]): void {
  db.delete(results).where(eq(results.roundId, roundId)).run();
  db.delete(resultDetails).where(eq(resultDetails.roundId, roundId)).run();
  const insert = db.$client.prepare(
    "INSERT INTO results (round_id, city_id, level, code, points, rank, review_status, not_submitted) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const insertDetails = db.$client.prepare("INSERT INTO result_details (round_id, city_id, details) VALUES (?, ?, ?)");
  for (const { cityId, ranked, details } of cities) {
    for (const r of ranked)
      insert.run(roundId, cityId, r.level, r.code, r.points, r.rank ?? null, r.reviewStatus, r.notSubmitted ? 1 : 0);
    insertDetails.run(roundId, cityId, details);
  }
}

/** A finalised round's stored results (of one city, or all), as rows, city by city in the engine's order. */
export function listStoredResults(db: Db | Tx, roundId: number, onlyCityId?: number): ResultRow[] {
  const ofCity = (column: typeof results.cityId | typeof resultDetails.cityId) =>
    onlyCityId === undefined ? undefined : eq(column, onlyCityId);
  const others = db
    .select()
    .from(results)
    .where(and(eq(results.roundId, roundId), ofCity(results.cityId)))
    .orderBy(asc(results.cityId), asc(results.id))
    .all();
  const detailsOfCity = new Map(
    db
      .select()
      .from(resultDetails)
      .where(and(eq(resultDetails.roundId, roundId), ofCity(resultDetails.cityId)))
      .all()
      .map((r) => [r.cityId, r.details]),
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
    rows.push(...inEngineOrder(framework, [...detailRowsOf(roundId, cityId, detailsOfCity.get(cityId) ?? []), ...own]));
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
  const storedByKey = new Map<string, ResultRow>();
  const differences: string[] = [];
  // A row stored twice could show one figure and be checked by the other.
  for (const r of stored)
    if (storedByKey.has(key(r))) differences.push(`${key(r)}: stored more than once`);
    else storedByKey.set(key(r), r);
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
