/**
 * Evidence rows of a city's answers: listing, adding (files and links, or a file of the city's library), removing,
 * and who may download a file. An evidence row is a file's (or link's) attachment to one item; every file is also
 * in the city's library for the round (db/evidence-library.ts).
 */
import "server-only";
import { and, asc, eq, gte, isNull } from "drizzle-orm";
import { isInSubmittedVersion, mayDownloadEvidence, mayOpenQuestionnaire } from "@/lib/auth/policy";
import type { SessionUser } from "@/lib/domain";
import { reviewerAssignments } from "./assignments";
import { appendAudit } from "./audit";
import type { Db, Tx } from "./client";
import { assigneeOf } from "./departments";
import { checkEditable, type EditRefusal, openForEdit } from "./editing";
import { ensureLibraryFile, type LibraryRefusal, mayChooseLibraryFile } from "./evidence-library";
import { calibrations, evidence, libraryFiles, submissions, submissionVersions, users } from "./schema";

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

export type AddRefusal = EditRefusal | "alreadyAttached";

export function addEvidence(db: Db, user: SessionUser, itemId: number, input: EvidenceInput, now = new Date()) {
  return db.transaction(
    (tx): { ok: true; id: number; libraryFileId: number | null } | { ok: false; reason: AddRefusal } => {
      const open = openForEdit(tx, user, itemId, now);
      if (!open.ok) return open;
      let libraryFileId: number | null = null;
      if (input.kind === "file") {
        if (isAttached(tx, open.submission.id, itemId, input.sha256)) return { ok: false, reason: "alreadyAttached" };
        const at = { roundId: open.submission.roundId, cityId: open.submission.cityId };
        libraryFileId = ensureLibraryFile(tx, user, at, input, now).file.id;
      }
      return { ok: true, id: insertEvidence(tx, user, open, input, now), libraryFileId };
    },
    { behavior: "immediate" },
  );
}

/** Whether this file is attached to the item in this submission already. */
function isAttached(tx: Tx, submissionId: number, itemId: number, sha256: string): boolean {
  return !!tx
    .select({ id: evidence.id })
    .from(evidence)
    .where(
      and(
        eq(evidence.submissionId, submissionId),
        eq(evidence.itemId, itemId),
        eq(evidence.sha256, sha256),
        isNull(evidence.deletedAt),
      ),
    )
    .get();
}

function insertEvidence(
  tx: Tx,
  user: SessionUser,
  open: Extract<ReturnType<typeof openForEdit>, { ok: true }>,
  input: EvidenceInput,
  now: Date,
  fromLibrary = false,
): number {
  const { id } = tx
    .insert(evidence)
    .values({ submissionId: open.submission.id, itemId: open.item.id, uploadedBy: user.id, uploadedAt: now, ...input })
    .returning({ id: evidence.id })
    .get();
  appendAudit(tx, {
    actorId: user.id,
    action: "evidence.added",
    entityType: "evidence",
    entityId: id,
    roundId: open.submission.roundId,
    cityId: open.submission.cityId,
    after: { itemCode: open.item.code, ...input, ...(fromLibrary ? { fromLibrary } : {}) },
  });
  return id;
}

export type AttachRefusal = { itemId: number; reason: AddRefusal };

/**
 * Attaches a file of the city's library to items, all or none: when any item cannot take it now (a module
 * submitted, an item locked, the file attached already), nothing is written and each refusal is listed.
 */
export function attachLibraryFile(
  db: Db,
  user: SessionUser,
  fileId: number,
  itemIds: number[],
  now = new Date(),
):
  | { ok: true; evidence: { itemId: number; id: number }[] }
  | { ok: false; reason: LibraryRefusal | "invalidInput" }
  | { ok: false; reason: "itemsRefused"; refused: AttachRefusal[] } {
  const wanted = [...new Set(itemIds)];
  if (!wanted.length) return { ok: false, reason: "invalidInput" };
  return db.transaction(
    (tx) => {
      const file = tx
        .select()
        .from(libraryFiles)
        .where(and(eq(libraryFiles.id, fileId), isNull(libraryFiles.removedAt)))
        .get();
      // Another city's file, or another department's: the same answer as a file that does not exist. Which items
      // a department user may attach it to, checkEditable decides below.
      if (!file || !mayChooseLibraryFile(tx, user, file)) return { ok: false as const, reason: "notFound" as const };
      // Every item first, writing nothing (a first edit would open a draft), so that a refusal leaves no trace.
      const refused: AttachRefusal[] = [];
      for (const itemId of wanted) {
        const check = checkEditable(tx, user, itemId);
        if (!check.ok) refused.push({ itemId, reason: check.reason });
        else if (check.round.id !== file.roundId) refused.push({ itemId, reason: "notFound" });
        else if (check.submission && isAttached(tx, check.submission.id, itemId, file.sha256))
          refused.push({ itemId, reason: "alreadyAttached" });
      }
      if (refused.length) return { ok: false as const, reason: "itemsRefused" as const, refused };
      const input: EvidenceInput = {
        kind: "file",
        sha256: file.sha256,
        size: file.size,
        mime: file.mime,
        originalName: file.originalName,
        storageKey: file.storageKey,
      };
      const added = wanted.map((itemId) => {
        const open = openForEdit(tx, user, itemId, now);
        if (!open.ok) throw new Error(`item ${itemId} was editable a moment ago`); // the same transaction: cannot happen
        return { itemId, id: insertEvidence(tx, user, open, input, now, true) };
      });
      return { ok: true as const, evidence: added };
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
      // Another city's file: refused before anything is opened for editing (which would create a draft); whether a
      // department user may change this item, openForEdit decides.
      if (!found || !mayOpenQuestionnaire(user, found.cityId)) return { ok: false, reason: "notFound" };
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

/** Whether any evidence row or library file still points at a stored file (before removing an orphaned upload). */
export function isStorageKeyReferenced(db: Db, storageKey: string): boolean {
  return (
    !!db.select({ id: evidence.id }).from(evidence).where(eq(evidence.storageKey, storageKey)).get() ||
    !!db.select({ id: libraryFiles.id }).from(libraryFiles).where(eq(libraryFiles.storageKey, storageKey)).get()
  );
}

/**
 * Every storage key an evidence row or a library file refers to (deleted and removed ones too: the audit trail
 * keeps their files).
 */
export function referencedStorageKeys(db: Db): Set<string> {
  const attached = db.selectDistinct({ key: evidence.storageKey }).from(evidence).all();
  const library = db.selectDistinct({ key: libraryFiles.storageKey }).from(libraryFiles).all();
  return new Set([...attached, ...library].flatMap((r) => (r.key ? [r.key] : [])));
}

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
  // Blind second reviewers of a calibrated version submitted after the file was uploaded, which therefore held it.
  const secondReviewerIds = db
    .select({ reviewerId: calibrations.reviewerId })
    .from(calibrations)
    .innerJoin(
      submissionVersions,
      and(
        eq(submissionVersions.submissionId, calibrations.submissionId),
        eq(submissionVersions.version, calibrations.version),
      ),
    )
    .where(
      and(
        eq(calibrations.submissionId, row.evidence.submissionId),
        gte(submissionVersions.createdAt, row.evidence.uploadedAt),
      ),
    )
    .all()
    .map((r) => r.reviewerId);
  const facts = {
    cityId: row.cityId,
    moduleId: row.moduleId,
    version: row.version,
    assigneeId: assigneeOf(db, row.cityId, row.evidence.itemId),
    deleted,
    submitted,
    secondReviewerIds,
  };
  return mayDownloadEvidence(user, facts, reviewerAssignments(db, user)) ? row.evidence : null;
}
