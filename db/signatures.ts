import "server-only";
import { and, asc, desc, eq } from "drizzle-orm";
import { signingKeyPem } from "@/lib/config/signing-key";
import { frameworkRevision } from "@/lib/framework/revision";
import {
  type AuditHead,
  type CheckpointRecord,
  type FinalisationRecord,
  type SignedRecord,
  signRecord,
} from "@/lib/signing/signature";
import { auditHead, verifyAuditChain } from "./audit";
import type { Db, Tx } from "./client";
import { exportFramework } from "./framework";
import { computeRoundResults, recomputeRound } from "./results";
import { auditLog, rounds, signatures } from "./schema";

/** A round's framework hash as signed: the same fingerprint the framework editor uses (lib/framework/revision.ts). */
export function roundFrameworkHash(db: Db | Tx, roundId: number): string {
  return frameworkRevision(exportFramework(db as Db, roundId));
}

/** Signs a finalisation inside the finalising transaction, right after its `round.finalised` audit entry. */
export function signFinalisation(
  tx: Db | Tx,
  round: { id: number; name: string },
  frozen: {
    digest: string;
    cityDigests: Record<string, string>;
    participantsHash: string;
    rankingHash: string;
    cities: number;
  },
  head: AuditHead,
  now: Date,
  options: { adopted?: true } = {},
): SignedRecord<FinalisationRecord> {
  const record: FinalisationRecord = {
    kind: "cityeval.finalisation",
    roundId: round.id,
    roundName: round.name,
    frameworkHash: roundFrameworkHash(tx, round.id),
    digest: frozen.digest,
    cityDigests: frozen.cityDigests,
    participantsHash: frozen.participantsHash,
    rankingHash: frozen.rankingHash,
    cities: frozen.cities,
    auditHead: head,
    signedAt: now.toISOString(),
    ...options,
  };
  return store(tx, "finalisation", round.id, signRecord(record, signingKeyPem()), now);
}

function store<R>(
  tx: Db | Tx,
  kind: "finalisation" | "checkpoint",
  roundId: number | null,
  signed: SignedRecord<R>,
  now: Date,
): SignedRecord<R> {
  tx.insert(signatures)
    .values({
      kind,
      roundId,
      record: signed.record as Record<string, unknown>,
      signature: signed.signature,
      publicKey: signed.publicKey,
      createdAt: now,
    })
    .run();
  return signed;
}

const asSigned = <R>(row: typeof signatures.$inferSelect) => ({
  id: row.id,
  createdAt: row.createdAt,
  signed: { record: row.record as R, signature: row.signature, publicKey: row.publicKey },
});

/** Every finalisation of the round ever signed, oldest first (a reopened round keeps its earlier ones). */
export function listFinalisations(db: Db, roundId: number) {
  return db
    .select()
    .from(signatures)
    .where(and(eq(signatures.kind, "finalisation"), eq(signatures.roundId, roundId)))
    .orderBy(asc(signatures.id))
    .all()
    .map(asSigned<FinalisationRecord>);
}

export function latestFinalisation(db: Db, roundId: number) {
  return listFinalisations(db, roundId).at(-1) ?? null;
}

/** Every signed record, newest first: checkpoints and finalisations, each with its audit head. */
export function listSignedHeads(db: Db) {
  return db
    .select()
    .from(signatures)
    .orderBy(desc(signatures.id))
    .all()
    .map(asSigned<FinalisationRecord | CheckpointRecord>);
}

export const CHECKPOINT_EVERY_MS = 24 * 60 * 60_000;

/**
 * Signs the audit chain's head unless a signed record (checkpoint or finalisation) less than a day old exists,
 * so that a rewrite of the log before any signed head is detectable. Called on sign-in and on the audit page.
 */
export function ensureDailyCheckpoint(db: Db, now = new Date()): void {
  db.transaction(
    (tx) => {
      const last = tx
        .select({ createdAt: signatures.createdAt })
        .from(signatures)
        .orderBy(desc(signatures.id))
        .limit(1)
        .get();
      if (last && now.getTime() - last.createdAt.getTime() < CHECKPOINT_EVERY_MS) return;
      const head = auditHead(tx);
      if (!head) return;
      // Never vouch for a chain that does not verify: the audit page and `verify --audit` report it instead.
      if (verifyAuditChain(tx, head.id) !== null) return;
      const record: CheckpointRecord = {
        kind: "cityeval.audit-checkpoint",
        auditHead: head,
        signedAt: now.toISOString(),
      };
      store(tx, "checkpoint", null, signRecord(record, signingKeyPem()), now);
    },
    { behavior: "immediate" },
  );
}

/**
 * Rounds finalised before finalisations were signed get their record now — only if their stored results
 * recompute exactly — with their `round.finalised` entry as the head and `adopted` saying when it was signed.
 * Returns the ids signed and those refused (their results no longer recompute: `npm run verify` says why).
 */
export function signLegacyFinalisations(db: Db, now = new Date()): { signed: number[]; refused: number[] } {
  const outcome = { signed: [] as number[], refused: [] as number[] };
  const finalised = db
    .select({ id: rounds.id, name: rounds.name })
    .from(rounds)
    .where(eq(rounds.status, "finalised"))
    .all();
  for (const round of finalised) {
    if (latestFinalisation(db, round.id)) continue;
    const recomputed = recomputeRound(db, round.id);
    const entry = db
      .select({ id: auditLog.id, hash: auditLog.hash })
      .from(auditLog)
      .where(
        and(
          eq(auditLog.entityType, "round"),
          eq(auditLog.entityId, String(round.id)),
          eq(auditLog.action, "round.finalised"),
        ),
      )
      .orderBy(desc(auditLog.id))
      .limit(1)
      .get();
    if (!recomputed.ok || !entry) {
      outcome.refused.push(round.id);
      continue;
    }
    const computed = computeRoundResults(db, round.id);
    db.transaction(
      (tx) => {
        const frozen = {
          digest: computed.digest,
          cityDigests: computed.cityDigests(),
          participantsHash: computed.participantsHash(),
          rankingHash: computed.rankingHash(),
          cities: new Set(computed.rows.map((r) => r.cityId)).size,
        };
        signFinalisation(tx, round, frozen, entry, now, { adopted: true });
      },
      { behavior: "immediate" },
    );
    outcome.signed.push(round.id);
  }
  return outcome;
}
