import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { closeDatabase, isDatabaseBusy, openDatabase } from "./client";

describe("the database file", () => {
  it("is created owner-only, in an owner-only directory, and an existing one is tightened", () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cityeval-")), "data");
    const file = path.join(dir, "cityeval.db");
    openDatabase(file).$client.close();
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    fs.chmodSync(file, 0o644);
    const db = openDatabase(file);
    db.$client.exec("create table t (x)");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(`${file}-wal`).mode & 0o777).toBe(0o600);
    db.$client.close();
  });
});

describe("the database connection", () => {
  it("commits durably (synchronous=FULL, WAL) and waits for another process's lock as long as it is told", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "client-"));
    const db = openDatabase(path.join(dir, "cityeval.db"), { busyTimeoutMs: 1000 });
    expect(db.$client.pragma("synchronous", { simple: true })).toBe(2); // FULL: an acknowledged commit survives a power cut
    expect(db.$client.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.$client.pragma("busy_timeout", { simple: true })).toBe(1000);
    expect(db.$client.pragma("foreign_keys", { simple: true })).toBe(1);
    db.$client.exec("create table t (x); insert into t values (1)");
    closeDatabase(db);
    expect(fs.existsSync(path.join(dir, "cityeval.db-wal"))).toBe(false); // folded into the file on close
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("knows a locked database by every busy or locked code, extended ones included", () => {
    for (const code of [
      "SQLITE_BUSY",
      "SQLITE_BUSY_SNAPSHOT",
      "SQLITE_BUSY_RECOVERY",
      "SQLITE_BUSY_TIMEOUT",
      "SQLITE_LOCKED",
      "SQLITE_LOCKED_SHAREDCACHE",
    ]) {
      expect(isDatabaseBusy(Object.assign(new Error("locked"), { code }))).toBe(true);
    }
    for (const error of [
      new Error("x"),
      Object.assign(new Error("x"), { code: "SQLITE_CONSTRAINT" }),
      null,
      undefined,
      "SQLITE_BUSY",
    ])
      expect(isDatabaseBusy(error)).toBe(false);
  });
});
