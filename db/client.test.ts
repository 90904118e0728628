import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "./client";

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
