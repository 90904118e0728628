import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import { ownPublicKey } from "@/lib/config/signing-key";
import { rankingOf } from "@/lib/scoring/round-results";
import { type FinalisationRecord, verifyRecord } from "@/lib/signing/signature";
import { BUNDLE_FORMAT, type Bundle } from "@/lib/verify/bundle";
import type { Db } from "./client";
import { listAdjustmentsInForce } from "./item-decisions";
import { listParticipants, listStoredResults, loadRoundInput } from "./results";
import { results, rounds, submissions } from "./schema";
import { latestFinalisation } from "./signatures";

/**
 * The verification bundle of a finalised round (lib/verify/bundle.ts): everything needed to recompute every
 * score and rank and to check the signature without the server. A city's bundle holds only its own inputs and
 * results, and every city's published points (for its ranks). Null when the round is not finalised and signed.
 */
export function buildBundle(
  db: Db,
  roundId: number,
  scope: { kind: "round" } | { kind: "city"; cityId: number },
): Bundle | null {
  const round = db.select().from(rounds).where(eq(rounds.id, roundId)).get();
  const latest = latestFinalisation(db, roundId);
  // Only what this instance signed is published: a record stored under another key is no finalisation of ours.
  if (!round || round.status !== "finalised" || !latest || !verifyRecord(latest.signed, ownPublicKey())) return null;
  const only = scope.kind === "city" ? scope.cityId : null;
  // A city's bundle reads only that city's inputs and results; every city's published points come from the
  // ranked rows alone.
  const input = loadRoundInput(db, roundId, only ?? undefined);
  if (only !== null && !input.cities.some((c) => c.cityId === only)) return null;
  const stored = listStoredResults(db, roundId, only ?? undefined);
  const ranked = db
    .select({
      cityId: results.cityId,
      level: results.level,
      code: results.code,
      points: results.points,
      rank: results.rank,
    })
    .from(results)
    .where(eq(results.roundId, roundId))
    .all();
  const participants = listParticipants(db, roundId);
  const cityOfSubmission = new Map(
    db
      .select({ id: submissions.id, cityId: submissions.cityId })
      .from(submissions)
      .where(and(eq(submissions.roundId, roundId), only === null ? undefined : inArray(submissions.cityId, [only])))
      .all()
      .map((s) => [s.id, s.cityId]),
  );
  return {
    format: BUNDLE_FORMAT,
    scope,
    round: { id: round.id, name: round.name, nameEn: round.nameEn },
    cities: participants,
    input,
    results: stored.map((r) => ({
      cityId: r.cityId,
      level: r.level,
      code: r.code,
      points: r.points,
      rank: r.rank ?? null,
      notSubmitted: r.notSubmitted,
    })),
    ranking: rankingOf(
      ranked,
      participants.map((c) => c.id),
    ),
    decisions: listAdjustmentsInForce(db, { roundId })
      .filter((a) => cityOfSubmission.has(a.submissionId))
      .map((a) => ({
        cityId: cityOfSubmission.get(a.submissionId)!,
        itemCode: a.itemCode,
        stage: a.stagePosition,
        action: a.action,
        comment: a.comment,
      })),
    signed: latest.signed as Bundle["signed"] & { record: FinalisationRecord },
  };
}
