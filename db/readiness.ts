import "server-only";
import fs from "node:fs";
import path from "node:path";
import { logger } from "@/lib/server/logger";
import type { Db } from "./client";

/** Below this much free disk the instance is not ready: an evidence upload of the largest size must fit. */
export const MIN_FREE_BYTES = 512 * 1024 * 1024;

/** The migrations the code ships with (drizzle/meta/_journal.json) against those the database has applied. */
function migrationsCurrent(db: Db): boolean {
  // Drizzle's migrator itself goes by the newest applied migration's timestamp.
  const journal = JSON.parse(
    fs.readFileSync(path.resolve(process.cwd(), "drizzle", "meta", "_journal.json"), "utf8"),
  ) as { entries: { when: number }[] };
  const applied = db.$client.prepare("select max(created_at) as last from __drizzle_migrations").get() as {
    last: number | null;
  };
  return (applied.last ?? 0) >= Math.max(...journal.entries.map((e) => e.when));
}

/** Each check true or false; a check that throws is false (its cause stays in the server log, never in the answer). */
export async function readiness(db: Db, dataDir: string, minFreeBytes = MIN_FREE_BYTES) {
  const attempt = async (name: string, check: () => boolean | Promise<boolean>) => {
    try {
      return await check();
    } catch (error) {
      logger.warn({ check: name, reason: error instanceof Error ? error.message : String(error) }, "not ready");
      return false;
    }
  };
  return {
    // A write transaction that is rolled back: it needs the write lock, as every save does.
    databaseWritable: await attempt("database", () => {
      db.$client.exec("begin immediate; rollback");
      return true;
    }),
    migrationsCurrent: await attempt("migrations", () => migrationsCurrent(db)),
    evidenceWritable: await attempt("evidence", async () => {
      const dir = path.join(dataDir, "evidence", "tmp");
      await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
      const probe = path.join(dir, `ready-${process.pid}`);
      await fs.promises.writeFile(probe, "ok", { mode: 0o600 });
      await fs.promises.rm(probe, { force: true });
      return true;
    }),
    diskSpace: await attempt("disk", async () => {
      const stats = await fs.promises.statfs(dataDir);
      return stats.bavail * stats.bsize >= minFreeBytes;
    }),
  };
}
