import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { describe, expect, it } from "vitest";
import { saveAnswer } from "./answers";
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

/**
 * Today's data layer writes every column of a table (drizzle inserts them all), including columns later
 * migrations add. To write data as an older release would have, those columns are added for the writing and
 * dropped again, so that the database is left as that release left it.
 */
async function asAnOlderRelease<T>(db: ReturnType<typeof openDatabase>, write: () => Promise<T> | T): Promise<T> {
  const later = [
    ["answers", "prefilled_from_round_id", "integer"],
    ["users", "department", "text"],
    ["rounds", "reminder_days_before", "integer"],
    ["rounds", "validation_rules", "text NOT NULL DEFAULT '[]'"],
    ["rounds", "plausibility", "text"],
  ] as const;
  const missing = later.filter(
    ([table, column]) =>
      !(db.$client.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all() as string[]).includes(
        column,
      ),
  );
  // Tables later migrations create, which today's queries join (empty, as they would be).
  const laterTables = [
    [
      "item_assignees",
      "CREATE TABLE item_assignees (round_id integer, city_id integer, item_id integer, user_id integer, assigned_by integer, assigned_at integer)",
    ],
    [
      "webhooks",
      "CREATE TABLE webhooks (id integer primary key, url text, secret text, events text, active integer, created_by integer, created_at integer)",
    ],
  ] as const;
  const absent = laterTables.filter(
    ([table]) => !db.$client.prepare("SELECT 1 FROM sqlite_schema WHERE name = ?").get(table),
  );
  for (const [table, column, type] of missing) db.$client.exec(`ALTER TABLE ${table} ADD ${column} ${type}`);
  for (const [, create] of absent) db.$client.exec(create);
  try {
    return await write();
  } finally {
    for (const [table, column] of missing) db.$client.exec(`ALTER TABLE ${table} DROP COLUMN ${column}`);
    for (const [table] of absent) db.$client.exec(`DROP TABLE ${table}`);
  }
}

describe("migration 0010: indicator and item results, one array per city", () => {
  it("moves a finalised round's indicator and item rows as they were, in the engine's order, and keeps them locked", async () => {
    const db = openDatabase(":memory:");
    const older = migrationsUpTo("0009_city_synthetic");
    migrate(db, { migrationsFolder: older });
    fs.rmSync(older, { recursive: true });
    const round = await asAnOlderRelease(db, async () => {
      const r = await createModuleBRound(db, "before 0010");
      const id = r.submitB();
      expect(approveSubmission(db, r.initial, id, 1).ok).toBe(true);
      expect(approveSubmission(db, r.final, id, 1).ok).toBe(true);
      return r;
    });
    // The rows as finalising wrote them before 0010: a row per item with its values, in the engine's order.
    const { rows } = await asAnOlderRelease(db, () => computeRoundResults(db, round.roundId));
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
    await asAnOlderRelease(db, () => setRoundStatus(db, round.roundId, "finalised"));
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

describe("migration 0012: the evidence library", () => {
  it("puts each city's files into its library once, under the first upload's name, and keeps a finalised round's locked", async () => {
    const db = openDatabase(":memory:");
    const older = migrationsUpTo("0011_finalised_lock_moved_rows");
    migrate(db, { migrationsFolder: older });
    fs.rmSync(older, { recursive: true });
    const round = await asAnOlderRelease(db, () => createModuleBRound(db, "before 0012"));
    // Evidence as uploads wrote it before 0012: the same bulletin on two of Hangzhou's items (first as 公报.pdf),
    // a file deleted since, a link, and the same bulletin at Ningbo.
    await asAnOlderRelease(db, () => {
      for (const user of [round.staff, round.other])
        expect(
          saveAnswer(db, user, { itemId: round.itemId("B1.1"), baseRevision: 0, value: 1, notApplicableReason: null })
            .ok,
        ).toBe(true);
    });
    const subOf = (cityId: number) =>
      db.$client
        .prepare("select id from submissions where city_id = ? and round_id = ?")
        .pluck()
        .get(cityId, round.roundId);
    const put = db.$client.prepare(
      "insert into evidence (submission_id, item_id, kind, url, sha256, size, mime, original_name, storage_key, uploaded_by, uploaded_at, deleted_at) values (?, ?, ?, ?, ?, 10, 'application/pdf', ?, ?, ?, ?, ?)",
    );
    const bulletin = "b".repeat(64);
    const rows: [number, string, string | null, string | null, string | null, number, number, number | null][] = [
      [round.staff.cityId!, "B1.1", null, bulletin, "公报.pdf", round.staff.id, 1000, null],
      [round.staff.cityId!, "B1.2", null, bulletin, "bulletin-copy.pdf", round.staff.id, 2000, null],
      [round.staff.cityId!, "B1.3", null, "d".repeat(64), "deleted.pdf", round.staff.id, 3000, 4000],
      [round.staff.cityId!, "B2.1", "https://stats.example.gov.cn/", null, null, round.staff.id, 5000, null],
      [round.other.cityId!, "B1.1", null, bulletin, "宁波公报.pdf", round.other.id, 6000, null],
    ];
    // A file row of an old release without a size (the column has always allowed it).
    const sizeless = "e".repeat(64);
    rows.push([round.other.cityId!, "B1.2", null, sizeless, "旧文件.pdf", round.other.id, 7000, null]);
    for (const [cityId, code, url, sha, name, by, at, deletedAt] of rows)
      put.run(
        subOf(cityId),
        round.itemId(code),
        url ? "url" : "file",
        url,
        sha,
        name,
        sha && `bb/${sha}`,
        by,
        at,
        deletedAt,
      );
    db.$client.prepare("update evidence set size = null where sha256 = ?").run(sizeless);
    await asAnOlderRelease(db, () => round.closeAndFinalise());

    runMigrations(db);
    const library = db.$client
      .prepare("select city_id, sha256, original_name, uploaded_at from library_files order by city_id, id")
      .all();
    expect(library).toEqual(
      [
        { city_id: round.staff.cityId, sha256: bulletin, original_name: "公报.pdf", uploaded_at: 1000 },
        { city_id: round.other.cityId, sha256: bulletin, original_name: "宁波公报.pdf", uploaded_at: 6000 },
        { city_id: round.other.cityId, sha256: sizeless, original_name: "旧文件.pdf", uploaded_at: 7000 },
      ].sort((a, b) => a.city_id! - b.city_id!),
    );
    expect(() => db.$client.prepare("update library_files set original_name = 'x'").run()).toThrow(/finalised/);
    expect(() => db.$client.prepare("delete from library_files").run()).toThrow(/finalised/);
  });
});

describe("migration 0014: departments inside a city", () => {
  it("rebuilds users without losing an account, a session or a reference, and holds the new role to its city and department", async () => {
    const db = openDatabase(":memory:");
    const older = migrationsUpTo("0013_answers_prefilled");
    migrate(db, { migrationsFolder: older });
    fs.rmSync(older, { recursive: true });
    const round = await asAnOlderRelease(db, () => createModuleBRound(db, "before 0014"));
    await asAnOlderRelease(db, () =>
      expect(
        saveAnswer(db, round.staff, {
          itemId: round.itemId("B1.1"),
          baseRevision: 0,
          value: 1,
          notApplicableReason: null,
        }).ok,
      ).toBe(true),
    );
    db.$client
      .prepare("insert into sessions (id, user_id, created_at, last_seen_at, expires_at) values ('s1', ?, 1, 1, 9e12)")
      .run(round.staff.id);
    const before = db.$client
      .prepare(
        "select id, email, name, password_hash, role, city_id, locale, active, must_change_password, synthetic, last_sign_in_at, created_at from users order by id",
      )
      .all();

    runMigrations(db);
    expect(
      db.$client
        .prepare(
          "select id, email, name, password_hash, role, city_id, locale, active, must_change_password, synthetic, last_sign_in_at, created_at from users order by id",
        )
        .all(),
    ).toEqual(before);
    expect(db.$client.prepare("select count(*) from sessions").pluck().get()).toBe(1);
    expect(db.$client.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(db.$client.pragma("foreign_key_check")).toEqual([]);
    const add = db.$client.prepare(
      "insert into users (email, name, password_hash, role, city_id, department) values (?, 'x', '!', ?, ?, ?)",
    );
    expect(() => add.run("d1@x.org", "department_staff", round.staff.cityId, "统计局")).not.toThrow();
    expect(() => add.run("d2@x.org", "department_staff", null, "统计局")).toThrow(/CHECK/);
    expect(() => add.run("d3@x.org", "department_staff", round.staff.cityId, null)).toThrow(/CHECK/);
    expect(() => add.run("d4@x.org", "city_staff", round.staff.cityId, "统计局")).toThrow(/CHECK/);
    expect(() => add.run("d5@x.org", "reviewer", null, null)).not.toThrow();
  });
});
