/**
 * A city's evidence library for a round (schema: library_files): each file once, by SHA-256, attached to any
 * number of items. Uploading a file to an item puts it in the library too (db/evidence.ts › addEvidence);
 * attaching a library file to items is db/evidence.ts › attachLibraryFile. Who may see and change a library is
 * lib/auth/policy.ts; a finalised round's library is locked by the database (drizzle/0012).
 */
import "server-only";
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import { mayActForCity, mayDownloadLibraryFile, mayUseLibraryFile } from "@/lib/auth/policy";
import type { SessionUser } from "@/lib/domain";
import type { StoredFile } from "@/lib/storage/local-store";
import { appendAudit } from "./audit";
import type { Db, Tx } from "./client";
import { assignedItemIds } from "./departments";
import { evidence, indicators, items, libraryFiles, modules, roundCities, rounds, submissions, users } from "./schema";

export type LibraryFile = typeof libraryFiles.$inferSelect;

/** A library file with the items it is attached to now. */
export type LibraryEntry = {
  id: number;
  sha256: string;
  size: number;
  mime: string;
  originalName: string;
  uploadedAt: Date;
  uploadedBy: number;
  uploaderName: string;
  attachedTo: { evidenceId: number; itemId: number; itemCode: string; moduleCode: string }[];
};

/**
 * The file of this city's library for the round with this content, put there now if it is not (or brought back
 * if it was removed): inside the caller's write transaction. Returns it and whether it is new to the library.
 */
export function ensureLibraryFile(
  tx: Tx,
  user: SessionUser,
  at: { roundId: number; cityId: number },
  file: StoredFile & { originalName: string },
  now: Date,
): { file: LibraryFile; added: boolean } {
  const existing = tx
    .select()
    .from(libraryFiles)
    .where(
      and(
        eq(libraryFiles.roundId, at.roundId),
        eq(libraryFiles.cityId, at.cityId),
        eq(libraryFiles.sha256, file.sha256),
      ),
    )
    .get();
  if (existing && existing.removedAt === null) return { file: existing, added: false };
  const values = {
    size: file.size,
    mime: file.mime,
    originalName: file.originalName,
    storageKey: file.storageKey,
    uploadedBy: user.id,
    uploadedAt: now,
    removedAt: null,
    removedBy: null,
  };
  const stored = existing
    ? tx.update(libraryFiles).set(values).where(eq(libraryFiles.id, existing.id)).returning().get()
    : tx
        .insert(libraryFiles)
        .values({ roundId: at.roundId, cityId: at.cityId, sha256: file.sha256, ...values })
        .returning()
        .get();
  appendAudit(tx, {
    actorId: user.id,
    action: "library.file_added",
    entityType: "library_file",
    entityId: stored.id,
    roundId: at.roundId,
    cityId: at.cityId,
    after: { sha256: file.sha256, originalName: file.originalName, size: file.size, mime: file.mime },
  });
  return { file: stored, added: true };
}

export type LibraryRefusal = "notFound" | "roleNotAllowed" | "roundNotOpen";

/** Whether the city staff member may add to (or remove from) their city's library for this round now. */
function checkLibraryWritable(
  db: Db | Tx,
  user: SessionUser,
  roundId: number,
  cityId: number,
): { ok: true } | { ok: false; reason: LibraryRefusal } {
  if (!mayActForCity(user, cityId))
    return { ok: false, reason: user.role === "city_staff" ? "notFound" : "roleNotAllowed" };
  const round = db
    .select({ status: rounds.status })
    .from(rounds)
    .innerJoin(roundCities, and(eq(roundCities.roundId, rounds.id), eq(roundCities.cityId, cityId)))
    .where(eq(rounds.id, roundId))
    .get();
  if (!round) return { ok: false, reason: "notFound" };
  if (round.status !== "open") return { ok: false, reason: "roundNotOpen" };
  return { ok: true };
}

/** Whether the user may upload to the city's library for the round now (checked again when the row is written). */
export function canAddToLibrary(db: Db, user: SessionUser, roundId: number) {
  return checkLibraryWritable(db, user, roundId, user.cityId ?? -1);
}

/** A file uploaded to the library alone (attached to no item yet). */
export function addToLibrary(
  db: Db,
  user: SessionUser,
  roundId: number,
  file: StoredFile & { originalName: string },
  now = new Date(),
): { ok: true; file: LibraryFile; added: boolean } | { ok: false; reason: LibraryRefusal } {
  return db.transaction(
    (tx) => {
      const cityId = user.cityId ?? -1;
      const check = checkLibraryWritable(tx, user, roundId, cityId);
      if (!check.ok) return check;
      return { ok: true as const, ...ensureLibraryFile(tx, user, { roundId, cityId }, file, now) };
    },
    { behavior: "immediate" },
  );
}

/** A library file if lib/auth/policy.ts lets this user download it; else null (the caller answers 404). */
export function getLibraryFile(db: Db | Tx, user: SessionUser, fileId: number): LibraryFile | null {
  const file = db.select().from(libraryFiles).where(eq(libraryFiles.id, fileId)).get();
  return file && mayDownloadLibraryFile(user, { cityId: file.cityId, removed: file.removedAt !== null }) ? file : null;
}

/** The live evidence rows of the city's submissions in the round that carry this file. */
function attachmentsOf(db: Db | Tx, roundId: number, cityId: number, sha256s: string[]) {
  if (!sha256s.length) return [];
  return db
    .select({
      sha256: evidence.sha256,
      evidenceId: evidence.id,
      itemId: items.id,
      itemCode: items.code,
      moduleCode: modules.code,
    })
    .from(evidence)
    .innerJoin(submissions, eq(submissions.id, evidence.submissionId))
    .innerJoin(items, eq(items.id, evidence.itemId))
    .innerJoin(indicators, eq(indicators.id, items.indicatorId))
    .innerJoin(modules, eq(modules.id, indicators.moduleId))
    .where(
      and(
        eq(submissions.roundId, roundId),
        eq(submissions.cityId, cityId),
        eq(evidence.kind, "file"),
        isNull(evidence.deletedAt),
        inArray(evidence.sha256, sha256s),
      ),
    )
    .orderBy(asc(modules.position), asc(indicators.position), asc(items.position))
    .all();
}

/** A city's library for a round, newest first, each file with the items it is attached to. */
export function listLibrary(db: Db | Tx, roundId: number, cityId: number): LibraryEntry[] {
  const files = db
    .select({ file: libraryFiles, uploaderName: users.name })
    .from(libraryFiles)
    .innerJoin(users, eq(users.id, libraryFiles.uploadedBy))
    .where(and(eq(libraryFiles.roundId, roundId), eq(libraryFiles.cityId, cityId), isNull(libraryFiles.removedAt)))
    .orderBy(sql`${libraryFiles.uploadedAt} DESC`, sql`${libraryFiles.id} DESC`)
    .all();
  const attached = attachmentsOf(
    db,
    roundId,
    cityId,
    files.map((f) => f.file.sha256),
  );
  return files.map(({ file, uploaderName }) => ({
    id: file.id,
    sha256: file.sha256,
    size: file.size,
    mime: file.mime,
    originalName: file.originalName,
    uploadedAt: file.uploadedAt,
    uploadedBy: file.uploadedBy,
    uploaderName,
    attachedTo: attached
      .filter((a) => a.sha256 === file.sha256)
      .map(({ evidenceId, itemId, itemCode, moduleCode }) => ({ evidenceId, itemId, itemCode, moduleCode })),
  }));
}

/** The files of the city's library this user may choose from (lib/auth/policy.ts mayUseLibraryFile). */
export function libraryFor(db: Db | Tx, user: SessionUser, roundId: number, cityId: number): LibraryEntry[] {
  const mine = user.role === "department_staff" ? assignedItemIds(db, user.id, roundId) : new Set<number>();
  return listLibrary(db, roundId, cityId).filter((f) =>
    mayUseLibraryFile(user, {
      cityId,
      uploadedBy: f.uploadedBy,
      onOwnItem: f.attachedTo.some((a) => mine.has(a.itemId)),
    }),
  );
}

/** Whether the user may choose this library file (the same rule as libraryFor, for one file). */
export function mayChooseLibraryFile(db: Db | Tx, user: SessionUser, file: LibraryFile): boolean {
  const mine = user.role === "department_staff" ? assignedItemIds(db, user.id, file.roundId) : new Set<number>();
  const onOwnItem = attachmentsOf(db, file.roundId, file.cityId, [file.sha256]).some((a) => mine.has(a.itemId));
  return mayUseLibraryFile(user, { cityId: file.cityId, uploadedBy: file.uploadedBy, onOwnItem });
}

export type RemoveRefusal = LibraryRefusal | "stillAttached";

/** Takes a file out of the city's library; refused while it is attached to any item (the file stays stored). */
export function removeFromLibrary(
  db: Db,
  user: SessionUser,
  fileId: number,
  now = new Date(),
): { ok: true } | { ok: false; reason: RemoveRefusal; count?: number } {
  return db.transaction(
    (tx) => {
      const file = tx
        .select()
        .from(libraryFiles)
        .where(and(eq(libraryFiles.id, fileId), isNull(libraryFiles.removedAt)))
        .get();
      // Another city's file: the same answer as a file that does not exist.
      if (!file || !mayActForCity(user, file.cityId)) return { ok: false as const, reason: "notFound" as const };
      const check = checkLibraryWritable(tx, user, file.roundId, file.cityId);
      if (!check.ok) return check;
      const count = attachmentsOf(tx, file.roundId, file.cityId, [file.sha256]).length;
      if (count) return { ok: false as const, reason: "stillAttached" as const, count };
      tx.update(libraryFiles).set({ removedAt: now, removedBy: user.id }).where(eq(libraryFiles.id, file.id)).run();
      appendAudit(tx, {
        actorId: user.id,
        action: "library.file_removed",
        entityType: "library_file",
        entityId: file.id,
        roundId: file.roundId,
        cityId: file.cityId,
        before: { sha256: file.sha256, originalName: file.originalName },
      });
      return { ok: true as const };
    },
    { behavior: "immediate" },
  );
}

/**
 * For reviewers and admins: which of these files (by SHA-256) another city of the round has submitted too — in
 * the version of its module last submitted (its frozen snapshot), whatever it has changed in a draft since. City
 * staff never see this (lib/auth/policy.ts › maySeeOtherCitiesFiles).
 */
export function sameFilesElsewhere(
  db: Db,
  roundId: number,
  cityId: number,
  sha256s: string[],
): Map<string, { cityId: number; nameZh: string; nameEn: string }[]> {
  const found = new Map<string, { cityId: number; nameZh: string; nameEn: string }[]>();
  if (!sha256s.length) return found;
  const rows = db.$client
    .prepare<unknown[], { sha256: string; cityId: number; nameZh: string; nameEn: string }>(
      `SELECT DISTINCT json_extract(e.value, '$.sha256') AS sha256, c.id AS cityId, c.name_zh AS nameZh,
          c.name_en AS nameEn
        FROM submissions s
        JOIN submission_versions v ON v.submission_id = s.id AND v.version = s.version
        JOIN cities c ON c.id = s.city_id, json_each(v.snapshot, '$.evidence') e
        WHERE s.round_id = ? AND s.city_id <> ? AND s.version > 0
          AND json_extract(e.value, '$.sha256') IN (SELECT value FROM json_each(?))
        ORDER BY c.id`,
    )
    .all(roundId, cityId, JSON.stringify(sha256s));
  for (const { sha256, ...city } of rows) {
    const list = found.get(sha256) ?? [];
    list.push(city);
    found.set(sha256, list);
  }
  return found;
}
