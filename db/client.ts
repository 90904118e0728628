import "server-only";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import { serverBusyTimeoutMs } from "@/lib/config/limits";
import { databasePath } from "@/lib/config/paths";
import { logger } from "@/lib/server/logger";
import * as schema from "./schema";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
/** The handle inside `db.transaction((tx) => …)`: functions that take part in a caller's transaction take `Db | Tx`. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** Owner-only: the database holds password hashes and every city's data (its -wal and -shm files inherit the mode). */
const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;

/** `busyTimeoutMs`: how long a write waits for another connection's lock before SQLITE_BUSY. */
export function openDatabase(file: string, { busyTimeoutMs = 5000 }: { busyTimeoutMs?: number } = {}): Db {
  if (file !== ":memory:") {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: PRIVATE_DIR });
    // Created empty with the right mode before SQLite opens it (an existing file is tightened too).
    fs.closeSync(fs.openSync(file, "a", PRIVATE_FILE));
    fs.chmodSync(file, PRIVATE_FILE);
  }
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma(`busy_timeout = ${Math.round(busyTimeoutMs)}`);
  // FULL: a commit is on disk before it is acknowledged, so a power cut loses no acknowledged save.
  sqlite.pragma("synchronous = FULL");
  return drizzle(sqlite, { schema }) as Db;
}

// One connection per server process; survives hot reloads in development.
const globalForDb = globalThis as unknown as { cityevalDb?: Db };

export function getDb(): Db {
  if (!globalForDb.cityevalDb) {
    const db = openDatabase(databasePath(), { busyTimeoutMs: serverBusyTimeoutMs() });
    globalForDb.cityevalDb = db;
    // However the process ends (SIGTERM, SIGINT, a normal exit), the WAL is folded into the database file and
    // emptied, so that a copy of cityeval.db alone is complete; "exit" handlers run synchronously, as SQLite does.
    process.once("exit", () => {
      const folded = closeDatabase(db);
      if (folded) logger.info("database: WAL checkpointed into the database file and closed");
      else
        logger.warn(
          "database: closed, but another connection (a backup?) kept the WAL from being folded in; it is replayed at the next start",
        );
    });
  }
  return globalForDb.cityevalDb;
}

/** Checkpoints the WAL into the database file (TRUNCATE) and closes it; false if a reader kept it from folding. */
export function closeDatabase(db: Db): boolean {
  if (!db.$client.open) return true;
  try {
    const [result] = db.$client.pragma("wal_checkpoint(TRUNCATE)") as { busy: number }[];
    return result?.busy === 0;
  } finally {
    db.$client.close();
  }
}

/**
 * Another process held the database's write lock longer than the busy timeout (a seed, a backup, a second
 * server): nothing was written; the client may retry (autosave does). Route handlers answer 503,
 * server actions a translated "busy" (lib/action.ts), never a 500.
 */
export function isDatabaseBusy(error: unknown): boolean {
  const code = String((error as { code?: unknown } | null)?.code ?? "");
  return code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"); // and their extended codes (_RECOVERY, _SNAPSHOT …)
}
