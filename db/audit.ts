import "server-only";
import { and, count, desc, eq, gt, gte, like, lte } from "drizzle-orm";
import { type AuditFields, auditRowHash, GENESIS_HASH } from "@/lib/audit/hash";
import { requestContext } from "@/lib/server/request-context";
import type { Db } from "./client";
import { auditLog, cities, rounds, users } from "./schema";

export type AuditEntry = Omit<AuditFields, "at" | "entityId" | "roundId" | "cityId" | "before" | "after"> &
  Partial<Pick<AuditFields, "roundId" | "cityId" | "before" | "after">> & { entityId?: string | number | null };

type AuditWriter = Pick<Db, "select" | "insert">;

const lastHashQueries = new WeakMap<object, { get: () => { hash: string } | undefined }>();

/** The newest row's hash; prepared once per connection when given the database itself (hot paths). */
function lastHash(tx: AuditWriter | Db): string {
  const query = () => tx.select({ hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1);
  if (!("$client" in tx)) return query().get()?.hash ?? GENESIS_HASH;
  let prepared = lastHashQueries.get(tx);
  if (!prepared) {
    prepared = query().prepare();
    lastHashQueries.set(tx, prepared);
  }
  return prepared.get()?.hash ?? GENESIS_HASH;
}

/**
 * Appends one row to the hash-chained audit log. Call it inside the transaction that makes the change,
 * opened with `behavior: "immediate"` so that two writers cannot chain onto the same previous row.
 * (better-sqlite3 has one connection, so passing the database inside a transaction writes within it.)
 */
/** A change made through /api/v1 names the access token it came with, next to what it changed. */
function viaApi(after: AuditEntry["after"] | null): AuditEntry["after"] | null {
  const tokenId = requestContext()?.apiTokenId;
  return tokenId === undefined ? after : { ...(after ?? {}), viaApiToken: tokenId };
}

export function appendAudit(tx: AuditWriter | Db, entry: AuditEntry): { id: number; hash: string } {
  const prevHash = lastHash(tx);
  const fields: AuditFields = {
    at: Date.now(),
    actorId: entry.actorId,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId == null ? null : String(entry.entityId),
    roundId: entry.roundId ?? null,
    cityId: entry.cityId ?? null,
    before: entry.before ?? null,
    after: viaApi(entry.after ?? null),
  };
  const hash = auditRowHash(prevHash, fields);
  const { id } = tx
    .insert(auditLog)
    .values({ ...fields, at: new Date(fields.at), prevHash, hash })
    .returning({ id: auditLog.id })
    .get();
  return { id, hash };
}

/** The newest row of the audit log (the chain's head), or null when it is empty. */
export function auditHead(db: AuditWriter | Db): { id: number; hash: string } | null {
  return (
    db.select({ id: auditLog.id, hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1).get() ?? null
  );
}

/**
 * Recomputes the chain up to `upTo` (a row id; default the whole log); returns the id of the first row that
 * does not match, or null if intact. `after` starts past a row already found intact (its id and hash, which must
 * still be there); rows are read a few thousand at a time, so that memory does not grow with the log.
 */
export function verifyAuditChain(
  db: Pick<Db, "select">,
  upTo?: number,
  after?: { id: number; hash: string },
): number | null {
  let prevHash = GENESIS_HASH;
  let lastId = 0;
  if (after) {
    const row = db.select({ hash: auditLog.hash }).from(auditLog).where(eq(auditLog.id, after.id)).get();
    if (row?.hash !== after.hash) return after.id;
    prevHash = after.hash;
    lastId = after.id;
  }
  for (;;) {
    const batch = db
      .select()
      .from(auditLog)
      .where(and(gt(auditLog.id, lastId), upTo === undefined ? undefined : lte(auditLog.id, upTo)))
      .orderBy(auditLog.id)
      .limit(5000)
      .all();
    for (const row of batch) {
      const expected = auditRowHash(prevHash, {
        at: row.at.getTime(),
        actorId: row.actorId,
        action: row.action,
        entityType: row.entityType,
        entityId: row.entityId,
        roundId: row.roundId,
        cityId: row.cityId,
        before: row.before,
        after: row.after,
      });
      if (row.prevHash !== prevHash || row.hash !== expected) return row.id;
      prevHash = row.hash;
      lastId = row.id;
    }
    if (batch.length < 5000) return null;
  }
}

export type AuditFilter = {
  roundId?: number;
  cityId?: number;
  actorId?: number;
  action?: string;
  from?: Date;
  to?: Date;
};

function auditWhere(filter: AuditFilter) {
  return and(
    filter.roundId ? eq(auditLog.roundId, filter.roundId) : undefined,
    filter.cityId ? eq(auditLog.cityId, filter.cityId) : undefined,
    filter.actorId ? eq(auditLog.actorId, filter.actorId) : undefined,
    filter.action ? like(auditLog.action, `${filter.action}%`) : undefined,
    filter.from ? gte(auditLog.at, filter.from) : undefined,
    filter.to ? lte(auditLog.at, filter.to) : undefined,
  );
}

/** The audit log, newest first, filtered by round, city, user, action and time; a page of it with `offset`. */
export function listAuditEntries(db: Db, filter: AuditFilter, limit = 500, offset = 0) {
  return db
    .select({
      entry: auditLog,
      actorName: users.name,
      actorEmail: users.email,
      roundName: rounds.name,
      cityZh: cities.nameZh,
      cityEn: cities.nameEn,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .leftJoin(rounds, eq(rounds.id, auditLog.roundId))
    .leftJoin(cities, eq(cities.id, auditLog.cityId))
    .where(auditWhere(filter))
    .orderBy(desc(auditLog.id))
    .limit(limit)
    .offset(offset)
    .all();
}

/** How many entries the filter matches (exact, for the pages). */
export function countAuditEntries(db: Db, filter: AuditFilter): number {
  return db.select({ n: count() }).from(auditLog).where(auditWhere(filter)).get()?.n ?? 0;
}

/** The distinct actions recorded so far, for the filter. */
export function listAuditActions(db: Db): string[] {
  return db
    .selectDistinct({ action: auditLog.action })
    .from(auditLog)
    .orderBy(auditLog.action)
    .all()
    .map((r) => r.action);
}
