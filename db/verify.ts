import "server-only";
import { createHash } from "node:crypto";
import fs from "node:fs";
import { and, asc, desc, eq, inArray, isNull } from "drizzle-orm";
import { auditFullCheckMs } from "@/lib/config/limits";
import {
  type CheckpointRecord,
  type FinalisationRecord,
  type SignedRecord,
  verifyRecord,
} from "@/lib/signing/signature";
import { evidenceStore } from "@/lib/storage";
import { auditHead, verifyAuditChain } from "./audit";
import type { Db } from "./client";
import { computeRoundResults, recomputeRound } from "./results";
import { answers, auditLog, evidence, items, rounds, submissions, submissionVersions } from "./schema";
import { latestFinalisation, listSignedHeads, roundFrameworkHash } from "./signatures";

/** One named check and every difference it found (none: it holds). */
export type Check = { name: string; differences: string[] };
export type Verification = { ok: boolean; checks: Check[] };

const verdict = (checks: Check[]): Verification => ({ ok: checks.every((c) => c.differences.length === 0), checks });

/** The signature of a record, under the key it carries and, when given, under a key the verifier pinned. */
function signatureDifferences(signed: SignedRecord<unknown>, pinnedPublicKey?: string): string[] {
  const out: string[] = [];
  if (!verifyRecord(signed)) out.push("the signature does not match the record under the key stored with it");
  // The key stored with a record proves nothing by itself: anyone who can write the database can store theirs.
  if (pinnedPublicKey === undefined)
    out.push("no public key to check against: pin the instance's (--public-key, the fingerprint the report publishes)");
  else if (!verifyRecord(signed, pinnedPublicKey))
    out.push("the signature does not match the record under the pinned public key");
  return out;
}

/** The audit row the signed head names must be there, unchanged, and the chain intact from row 1 up to it. */
function headDifferences(db: Db, head: { id: number; hash: string }): string[] {
  const row = db.select({ hash: auditLog.hash }).from(auditLog).where(eq(auditLog.id, head.id)).get();
  if (!row) return [`audit row ${head.id} (the signed head) is missing`];
  const out = row.hash === head.hash ? [] : [`audit row ${head.id}: hash ${row.hash}, signed ${head.hash}`];
  const broken = verifyAuditChain(db, head.id);
  if (broken !== null) out.push(`the audit chain breaks at row ${broken}`);
  return out;
}

/**
 * Everything that proves a finalised round unchanged since it was signed (`npm run verify -- <round>`):
 * the signature, the results recomputed from the raw data, the digest, the audit entry of the finalisation,
 * the framework, every submission version's frozen snapshot, every evidence file's SHA-256, and the audit chain
 * up to the signed head.
 */
export function verifyRound(db: Db, roundId: number, pinnedPublicKey?: string): Verification {
  const round = db.select().from(rounds).where(eq(rounds.id, roundId)).get();
  if (!round) return verdict([{ name: "round", differences: [`no round ${roundId}`] }]);
  const latest = latestFinalisation(db, roundId);
  if (round.status !== "finalised" || !latest) {
    return verdict([
      {
        name: "round",
        differences: [`round ${roundId} is ${round.status}${latest ? "" : " and has no signed finalisation"}`],
      },
    ]);
  }
  const signed = latest.signed as SignedRecord<FinalisationRecord>;
  const record = signed.record;
  const recomputed = recomputeRound(db, roundId);
  const checks: Check[] = [
    {
      name: "signature",
      differences: [
        ...signatureDifferences(signed, pinnedPublicKey),
        ...(record.roundId === roundId ? [] : [`the record is of round ${record.roundId}`]),
      ],
    },
    {
      name: "results recomputed from answers, decisions in force and not-submitted marks",
      differences: recomputed.differences.filter((d) => !d.startsWith("digest:")),
    },
    {
      name: "digest",
      differences: [
        ...(round.digest === record.digest ? [] : [`stored ${round.digest ?? "none"}, signed ${record.digest}`]),
        ...(recomputed.digest === record.digest ? [] : [`recomputed ${recomputed.digest}, signed ${record.digest}`]),
      ],
    },
    { name: "per-city digests", differences: cityDigestDifferences(db, roundId, record) },
    { name: "participants and published ranking", differences: publishedDifferences(db, round, record) },
    { name: "finalisation audit entry", differences: finalisationEntryDifferences(db, roundId, record) },
    {
      name: "framework",
      differences:
        roundFrameworkHash(db, roundId) === record.frameworkHash
          ? []
          : [`framework hash ${roundFrameworkHash(db, roundId)}, signed ${record.frameworkHash}`],
    },
    { name: "submission snapshots", differences: snapshotDifferences(db, roundId) },
    { name: "evidence files", differences: evidenceFileDifferences(db, roundId) },
    { name: "audit chain up to the signed head", differences: headDifferences(db, record.auditHead) },
  ];
  return verdict(checks);
}

function cityDigestDifferences(db: Db, roundId: number, record: FinalisationRecord): string[] {
  const computed = computeRoundResults(db, roundId).cityDigests();
  const ids = new Set([...Object.keys(computed), ...Object.keys(record.cityDigests ?? {})]);
  return [...ids]
    .filter((id) => computed[id] !== record.cityDigests?.[id])
    .map((id) => `city ${id}: recomputed ${computed[id] ?? "none"}, signed ${record.cityDigests?.[id] ?? "none"}`);
}

/** The cities as the report names them, every city's published points, and the round's name, as signed. */
function publishedDifferences(db: Db, round: { id: number; name: string }, record: FinalisationRecord): string[] {
  const computed = computeRoundResults(db, round.id);
  const out: string[] = [];
  if (computed.participantsHash() !== record.participantsHash)
    out.push("the cities' codes, names, regions or tiers differ from those signed");
  if (computed.rankingHash() !== record.rankingHash) out.push("every city's published points differ from those signed");
  if (round.name !== record.roundName) out.push(`the round is named ${round.name}, signed ${record.roundName}`);
  return out;
}

function finalisationEntryDifferences(db: Db, roundId: number, record: FinalisationRecord): string[] {
  const entry = db.select().from(auditLog).where(eq(auditLog.id, record.auditHead.id)).get();
  if (!entry) return [`audit row ${record.auditHead.id} is missing`];
  const out: string[] = [];
  // The signed finalisation must be the round's last transition: an earlier one replayed after a reopening
  // (or a status flipped back by appended audit rows) is not what was signed last.
  const last = db
    .select({ id: auditLog.id, action: auditLog.action })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.entityType, "round"),
        eq(auditLog.entityId, String(roundId)),
        inArray(auditLog.action, ["round.finalised", "round.reopened"]),
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(1)
    .get();
  if (last?.id !== entry.id)
    out.push(
      `the round's last transition is audit row ${last?.id ?? "none"} (${last?.action ?? "-"}), the signed finalisation is row ${entry.id}`,
    );
  if (entry.action !== "round.finalised" || entry.entityId !== String(roundId))
    out.push(
      `audit row ${entry.id} is ${entry.action} of ${entry.entityType} ${entry.entityId}, not round.finalised of round ${roundId}`,
    );
  const digest = (entry.after as { digest?: string } | null)?.digest;
  if (digest !== record.digest)
    out.push(`the round.finalised entry records digest ${digest ?? "none"}, signed ${record.digest}`);
  return out;
}

/** A submitted module's answers and evidence are locked: its last version's frozen snapshot must equal them. */
function snapshotDifferences(db: Db, roundId: number): string[] {
  const out: string[] = [];
  const locked = db
    .select()
    .from(submissions)
    .where(and(eq(submissions.roundId, roundId), inArray(submissions.status, ["submitted", "in_review", "verified"])))
    .orderBy(asc(submissions.id))
    .all();
  const codeOf = new Map(
    db
      .select({ id: items.id, code: items.code })
      .from(items)
      .where(eq(items.roundId, roundId))
      .all()
      .map((i) => [i.id, i.code]),
  );
  const canonical = (rows: { itemCode: string }[]) =>
    JSON.stringify(
      [...rows].sort(
        (a, b) => a.itemCode.localeCompare(b.itemCode) || JSON.stringify(a).localeCompare(JSON.stringify(b)),
      ),
    );
  for (const sub of locked) {
    const version = db
      .select()
      .from(submissionVersions)
      .where(and(eq(submissionVersions.submissionId, sub.id), eq(submissionVersions.version, sub.version)))
      .get();
    if (!version) {
      out.push(`submission ${sub.id}: version ${sub.version} is missing`);
      continue;
    }
    const live = db
      .select()
      .from(answers)
      .where(eq(answers.submissionId, sub.id))
      .all()
      .map((a) => ({
        itemCode: codeOf.get(a.itemId) ?? `#${a.itemId}`,
        value: a.value,
        notApplicableReason: a.notApplicableReason,
      }));
    const frozen = version.snapshot.answers.map((a) => ({
      itemCode: a.itemCode,
      value: a.value,
      notApplicableReason: a.notApplicableReason,
    }));
    if (canonical(live) !== canonical(frozen)) {
      const frozenOf = new Map(frozen.map((a) => [a.itemCode, JSON.stringify(a)]));
      const changed = live.filter((a) => frozenOf.get(a.itemCode) !== JSON.stringify(a)).map((a) => a.itemCode);
      out.push(
        `submission ${sub.id} (version ${sub.version}): answers differ from the frozen snapshot${changed.length ? ` (${changed.join(", ")})` : ""}`,
      );
    }
    const liveEvidence = db
      .select()
      .from(evidence)
      .where(and(eq(evidence.submissionId, sub.id), isNull(evidence.deletedAt)))
      .all()
      .map((e) => ({ itemCode: codeOf.get(e.itemId) ?? `#${e.itemId}`, kind: e.kind, sha256: e.sha256, url: e.url }));
    const frozenEvidence = version.snapshot.evidence.map((e) => ({
      itemCode: e.itemCode,
      kind: e.kind,
      sha256: e.sha256,
      url: e.url,
    }));
    if (canonical(liveEvidence) !== canonical(frozenEvidence))
      out.push(`submission ${sub.id} (version ${sub.version}): evidence differs from the frozen snapshot`);
  }
  return out;
}

/** Every stored evidence file of the round must still have the SHA-256 recorded when it was uploaded. */
function evidenceFileDifferences(db: Db, roundId: number): string[] {
  const store = evidenceStore();
  const files = db
    .select({ id: evidence.id, sha256: evidence.sha256, storageKey: evidence.storageKey })
    .from(evidence)
    .innerJoin(submissions, eq(submissions.id, evidence.submissionId))
    .where(and(eq(submissions.roundId, roundId), eq(evidence.kind, "file")))
    .all();
  const out: string[] = [];
  const checked = new Map<string, string | null>();
  for (const file of files) {
    if (!file.storageKey) continue;
    if (!checked.has(file.storageKey)) {
      const target = store.pathOf(file.storageKey);
      checked.set(
        file.storageKey,
        fs.existsSync(target) ? createHash("sha256").update(fs.readFileSync(target)).digest("hex") : null,
      );
    }
    const actual = checked.get(file.storageKey);
    if (actual === null) out.push(`evidence ${file.id}: file ${file.storageKey} is missing`);
    else if (actual !== file.sha256) out.push(`evidence ${file.id}: SHA-256 ${actual}, recorded ${file.sha256}`);
  }
  return out;
}

/** What the audit page last found intact, per database: later visits hash only the rows added since. */
const lastIntact = new WeakMap<Db, { id: number; hash: string; fullAt: Date }>();

/**
 * The audit page's check: the whole chain at most every AUDIT_FULL_CHECK_MINUTES, in between only the rows
 * added since the last intact one (whose hash must be unchanged), and every signed head each time. `checkedAt`
 * is when the whole chain was last hashed.
 */
export function verifyAuditForPage(
  db: Db,
  pinnedPublicKey: string,
  now = new Date(),
): Verification & { rows: number; checkedAt: Date } {
  const known = lastIntact.get(db);
  const full = !known || now.getTime() - known.fullAt.getTime() >= auditFullCheckMs();
  const head = auditHead(db);
  const result = verifyAudit(db, pinnedPublicKey, { after: full ? undefined : known, upTo: head?.id ?? 0 });
  const fullAt = full ? now : known.fullAt;
  if (result.ok && head) lastIntact.set(db, { id: head.id, hash: head.hash, fullAt });
  else lastIntact.delete(db);
  return { ...result, checkedAt: fullAt };
}

/**
 * The whole audit chain (`npm run verify -- --audit`, the admin's audit page): intact from row 1 to the last,
 * and every signed head (finalisations and daily checkpoints) still there with its signature valid, so a chain
 * rewritten after a signed head is caught even if every hash was recomputed.
 */
export function verifyAudit(
  db: Db,
  pinnedPublicKey?: string,
  /** verify only past a row found intact before (its id and hash), up to `upTo` */
  range: { after?: { id: number; hash: string }; upTo?: number } = {},
): Verification & { rows: number } {
  const last = range.upTo ?? auditHead(db)?.id ?? 0;
  const broken = verifyAuditChain(db, range.upTo, range.after);
  const heads = listSignedHeads(db);
  const checks: Check[] = [
    { name: "audit chain", differences: broken === null ? [] : [`the chain breaks at row ${broken}`] },
    {
      name: "signed heads",
      differences: heads.flatMap(({ id, signed }) => {
        const record = signed.record as FinalisationRecord | CheckpointRecord;
        const where = `signed record ${id} (${record.kind}, head row ${record.auditHead.id})`;
        const row = db.select({ hash: auditLog.hash }).from(auditLog).where(eq(auditLog.id, record.auditHead.id)).get();
        return [
          ...signatureDifferences(signed, pinnedPublicKey).map((d) => `${where}: ${d}`),
          ...(row?.hash === record.auditHead.hash
            ? []
            : [`${where}: the row's hash is ${row?.hash ?? "missing"}, signed ${record.auditHead.hash}`]),
        ];
      }),
    },
  ];
  return { ...verdict(checks), rows: last };
}
