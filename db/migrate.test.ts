import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { describe, expect, it } from "vitest";
import { openDatabase } from "./client";
import { runMigrations } from "./migrate";
import { computeRoundResults, listStoredResults } from "./results";
import { approveSubmission } from "./reviews";
import { createModuleBRound, setRoundStatus } from "./test-db";

/** A copy of drizzle/ holding the migrations up to and including `tag`, as an older release shipped them. */
function migrationsUpTo(tag: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cityeval-migrations-"));
  const journal = JSON.parse(fs.readFileSync("drizzle/meta/_journal.json", "utf8")) as {
    entries: { tag: string }[];
  };
  const entries = journal.entries.slice(0, journal.entries.findIndex((e) => e.tag === tag) + 1);
  fs.mkdirSync(path.join(dir, "meta"));
  fs.writeFileSync(path.join(dir, "meta", "_journal.json"), JSON.stringify({ ...journal, entries }));
  for (const e of entries) fs.copyFileSync(`drizzle/${e.tag}.sql`, path.join(dir, `${e.tag}.sql`));
  return dir;
}

describe("migration 0010: indicator and item results, one array per city", () => {
  it("moves a finalised round's indicator and item rows as they were, in the engine's order, and keeps them locked", async () => {
    const db = openDatabase(":memory:");
    const older = migrationsUpTo("0009_city_synthetic");
    migrate(db, { migrationsFolder: older });
    fs.rmSync(older, { recursive: true });
    const round = await createModuleBRound(db, "before 0010");
    const id = round.submitB();
    expect(approveSubmission(db, round.initial, id, 1).ok).toBe(true);
    expect(approveSubmission(db, round.final, id, 1).ok).toBe(true);
    // The rows as finalising wrote them before 0010: a row per item with its values, in the engine's order.
    const { rows } = computeRoundResults(db, round.roundId);
    const insert = db.$client.prepare(
      "INSERT INTO results (round_id, city_id, level, code, points, rank, submitted_value, verified_value, review_status, not_submitted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
    for (const r of rows)
      insert.run(
        r.roundId,
        r.cityId,
        r.level,
        r.code,
        r.points,
        r.rank ?? null,
        json(r.submittedValue),
        json(r.verifiedValue),
        r.reviewStatus,
        r.notSubmitted ? 1 : 0,
      );
    setRoundStatus(db, round.roundId, "finalised");
    expect(rows.filter((r) => r.level === "item" && r.verifiedValue !== null).length).toBeGreaterThan(5);

    runMigrations(db);

    expect(listStoredResults(db, round.roundId)).toEqual(
      rows.map((r) => (r.level === "module" || r.level === "total" ? { ...r, rank: r.rank ?? null } : r)),
    );
    const columns = db.$client.prepare("SELECT name FROM pragma_table_info('results')").pluck().all();
    expect(columns).not.toContain("submitted_value");
    expect(db.$client.prepare("SELECT DISTINCT level FROM results ORDER BY 1").pluck().all()).toEqual([
      "module",
      "total",
    ]);
    expect(() => db.$client.prepare("DELETE FROM result_details").run()).toThrow(/round is finalised/);
    expect(() => db.$client.prepare("DELETE FROM results").run()).toThrow(/round is finalised/);
  });
});
