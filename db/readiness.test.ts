import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readiness } from "./readiness";
import { createTestDb } from "./test-db";

describe("readiness", () => {
  it("holds for a migrated, writable instance, and says which check fails", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ready-"));
    const db = createTestDb();
    expect(await readiness(db, dir)).toEqual({
      databaseWritable: true,
      migrationsCurrent: true,
      evidenceWritable: true,
      diskSpace: true,
    });
    expect((await readiness(db, dir, Number.MAX_SAFE_INTEGER)).diskSpace).toBe(false);
    db.$client.exec(
      "delete from __drizzle_migrations where created_at = (select max(created_at) from __drizzle_migrations)",
    );
    expect((await readiness(db, dir)).migrationsCurrent).toBe(false);
    db.$client.close();
    expect((await readiness(db, dir)).databaseWritable).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
