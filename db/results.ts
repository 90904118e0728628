/**
 * A round's results computed from its stored data (lib/scoring/round-results.ts): what finalising freezes and
 * signs, what a city's preliminary scorecard shows, and what verification recomputes and compares.
 */
import "server-only";
import { createHash } from "node:crypto";
import { and, asc, eq, isNull } from "drizzle-orm";
import { valueInForce } from "@/lib/review/value-in-force";
import {
  type CityInput,
  cityCanonical,
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
import { answers, cities, evidence, results, roundCities, rounds, submissions } from "./schema";

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
  const subs = db.select().from(submissions).where(eq(submissions.roundId, roundId)).all();
  // Everything is read once per round (joined on the round, never one query per city) and indexed by key.
  const inRound = eq(submissions.roundId, roundId);
  const answerOf = new Map(
    db
      .select({ answer: answers })
      .from(answers)
      .innerJoin(submissions, eq(submissions.id, answers.submissionId))
      .where(inRound)
      .all()
      .map(({ answer }) => [`${answer.submissionId}:${answer.itemId}`, answer]),
  );
  const adjustmentOf = new Map(
    listAdjustmentsInForce(db, { roundId }).map((a) => [`${a.submissionId}:${a.itemId}`, a]),
  );
  const evidenceOf = new Map<string, string[]>();
  for (const e of db
    .select({
      submissionId: evidence.submissionId,
      itemId: evidence.itemId,
      sha256: evidence.sha256,
      url: evidence.url,
    })
    .from(evidence)
    .innerJoin(submissions, eq(submissions.id, evidence.submissionId))
    .where(and(inRound, isNull(evidence.deletedAt)))
    .all()) {
    const key = `${e.submissionId}:${e.itemId}`;
    evidenceOf.set(key, [...(evidenceOf.get(key) ?? []), e.sha256 ?? e.url ?? ""]);
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
  const cities = participants.map(({ cityId }): CityInput => {
    const modules: Record<string, string> = {};
    const itemInputs: Record<string, ItemInput> = {};
    for (const mod of shape) {
      const sub = subOf.get(`${cityId}:${mod.module.id}`);
      modules[mod.code] = moduleStatus(sub);
      if (sub?.status !== "verified") continue;
      for (const item of mod.indicators.flatMap((i) => i.items)) {
        const key = `${sub.id}:${item.id}`;
        const answer = answerOf.get(key);
        const inForce = valueInForce(item, answer, adjustmentOf.get(key)) ?? null;
        if (!answer && !inForce && !evidenceOf.has(key)) continue;
        itemInputs[item.code] = {
          submitted: answer?.value ?? null,
          inForce,
          notApplicable: !!answer?.notApplicableReason,
          evidence: (evidenceOf.get(key) ?? []).sort(),
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
  const { rows, canonical } = computeResults(input);
  const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
  const cityDigests = () =>
    Object.fromEntries(input.cities.map((c) => [String(c.cityId), sha256(cityCanonical(input, c.cityId, rows))]));
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
  return { rows, digest: sha256(canonical), cityDigests, participantsHash, rankingHash };
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
  const stored = db.select().from(results).where(eq(results.roundId, roundId)).all();
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
