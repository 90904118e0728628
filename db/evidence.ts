/** Evidence rows of a city's answers: listing, adding (files and links), removing, and who may download a file. */
import "server-only";
import { and, asc, eq, isNull } from "drizzle-orm";
import { isInSubmittedVersion, mayActForCity, mayDownloadEvidence } from "@/lib/auth/policy";
import type { SessionUser } from "@/lib/domain";
import { reviewerAssignments } from "./assignments";
import { appendAudit } from "./audit";
import type { Db, Tx } from "./client";
import { type EditRefusal, openForEdit } from "./editing";
import { evidence, submissions, submissionVersions, users } from "./schema";

export type EvidenceEntry = {
  id: number;
  itemId: number;
  kind: "file" | "url";
  url: string | null;
  originalName: string | null;
  size: number | null;
  mime: string | null;
  sha256: string | null;
  uploadedAt: Date;
  uploaderName: string;
};

export function listEvidence(db: Db | Tx, submissionId: number): EvidenceEntry[] {
  return db
    .select({
      id: evidence.id,
      itemId: evidence.itemId,
      kind: evidence.kind,
      url: evidence.url,
      originalName: evidence.originalName,
      size: evidence.size,
      mime: evidence.mime,
      sha256: evidence.sha256,
      uploadedAt: evidence.uploadedAt,
      uploaderName: users.name,
    })
    .from(evidence)
    .innerJoin(users, eq(users.id, evidence.uploadedBy))
    .where(and(eq(evidence.submissionId, submissionId), isNull(evidence.deletedAt)))
    .orderBy(asc(evidence.uploadedAt), asc(evidence.id))
    .all();
}

export type EvidenceInput =
  | { kind: "file"; sha256: string; size: number; mime: string; originalName: string; storageKey: string }
  | { kind: "url"; url: string };

export function addEvidence(db: Db, user: SessionUser, itemId: number, input: EvidenceInput, now = new Date()) {
  return db.transaction(
    (tx): { ok: true; id: number } | { ok: false; reason: EditRefusal } => {
      const open = openForEdit(tx, user, itemId, now);
      if (!open.ok) return open;
      const { id } = tx
        .insert(evidence)
        .values({ submissionId: open.submission.id, itemId, uploadedBy: user.id, uploadedAt: now, ...input })
        .returning({ id: evidence.id })
        .get();
      appendAudit(tx, {
        actorId: user.id,
        action: "evidence.added",
        entityType: "evidence",
        entityId: id,
        roundId: open.submission.roundId,
        cityId: open.submission.cityId,
        after: { itemCode: open.item.code, ...input },
      });
      return { ok: true, id };
    },
    { behavior: "immediate" },
  );
}

export function deleteEvidence(db: Db, user: SessionUser, evidenceId: number, now = new Date()) {
  return db.transaction(
    (tx): { ok: true } | { ok: false; reason: EditRefusal } => {
      const found = tx
        .select({ evidence, cityId: submissions.cityId })
        .from(evidence)
        .innerJoin(submissions, eq(submissions.id, evidence.submissionId))
        .where(and(eq(evidence.id, evidenceId), isNull(evidence.deletedAt)))
        .get();
      // Another city's file: refused before anything is opened for editing (which would create a draft).
      if (!found || !mayActForCity(user, found.cityId)) return { ok: false, reason: "notFound" };
      const row = found.evidence;
      const open = openForEdit(tx, user, row.itemId, now);
      if (!open.ok) return open;
      if (open.submission.id !== row.submissionId) return { ok: false, reason: "notFound" };
      tx.update(evidence).set({ deletedAt: now, deletedBy: user.id }).where(eq(evidence.id, evidenceId)).run();
      appendAudit(tx, {
        actorId: user.id,
        action: "evidence.deleted",
        entityType: "evidence",
        entityId: evidenceId,
        roundId: open.submission.roundId,
        cityId: open.submission.cityId,
        before: {
          itemCode: open.item.code,
          kind: row.kind,
          url: row.url,
          sha256: row.sha256,
          originalName: row.originalName,
        },
      });
      return { ok: true };
    },
    { behavior: "immediate" },
  );
}

/** Whether any live evidence row still points at a stored file (before removing an orphaned upload). */
export function isStorageKeyReferenced(db: Db, storageKey: string): boolean {
  return !!db.select({ id: evidence.id }).from(evidence).where(eq(evidence.storageKey, storageKey)).get();
}

/** Every storage key an evidence row refers to (deleted rows too: the audit trail keeps their files). */
export function referencedStorageKeys(db: Db): Set<string> {
  return new Set(
    db
      .selectDistinct({ key: evidence.storageKey })
      .from(evidence)
      .all()
      .flatMap((r) => (r.key ? [r.key] : [])),
  );
}

/**
 * An evidence file the user may download: city staff of the submission's city, admins, and reviewers
 * assigned to the module. Anyone else gets null (and a 404), whether or not the id exists.
 */
/** An evidence file if lib/auth/policy.ts lets this user download it, else null (the caller answers 404). */
export function getEvidenceForDownload(db: Db, user: SessionUser, evidenceId: number) {
  const row = db
    .select({ evidence, cityId: submissions.cityId, moduleId: submissions.moduleId, version: submissions.version })
    .from(evidence)
    .innerJoin(submissions, eq(submissions.id, evidence.submissionId))
    .where(and(eq(evidence.id, evidenceId), eq(evidence.kind, "file")))
    .get();
  if (!row) return null;
  const lastSubmitted = db
    .select({ at: submissionVersions.createdAt })
    .from(submissionVersions)
    .where(
      and(eq(submissionVersions.submissionId, row.evidence.submissionId), eq(submissionVersions.version, row.version)),
    )
    .get();
  const deleted = row.evidence.deletedAt !== null;
  const submitted = isInSubmittedVersion(row.evidence, lastSubmitted?.at ?? null);
  const facts = { cityId: row.cityId, moduleId: row.moduleId, version: row.version, deleted, submitted };
  return mayDownloadEvidence(user, facts, reviewerAssignments(db, user)) ? row.evidence : null;
}
