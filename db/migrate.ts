import "server-only";
import path from "node:path";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import type { Db } from "./client";

/**
 * Applies the pending migrations with foreign keys off, as SQLite's way of changing a table (a new table, a copy,
 * a drop, a rename) needs: dropping the old table must neither cascade nor fail on the rows that refer to it. The
 * pragma cannot change inside a transaction, so it is set around drizzle's; every reference is checked afterwards
 * and a migration that left a broken one stops the start.
 */
export function runMigrations(db: Db): void {
  const sqlite = db.$client;
  const enforced = sqlite.pragma("foreign_keys", { simple: true }) === 1;
  sqlite.pragma("foreign_keys = OFF");
  try {
    migrate(db, { migrationsFolder: path.resolve(process.cwd(), "drizzle") });
    const broken = sqlite.pragma("foreign_key_check") as unknown[];
    if (broken.length)
      throw new Error(`migrations left ${broken.length} broken references: ${JSON.stringify(broken[0])}`);
  } finally {
    if (enforced) sqlite.pragma("foreign_keys = ON");
  }
}
