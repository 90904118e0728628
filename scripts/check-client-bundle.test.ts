import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findForbiddenWords, scanClientBundle } from "./check-client-bundle";

let dir: string;
const write = (file: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), text);
};

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cityeval-bundle-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("findForbiddenWords", () => {
  it("finds secret column names and drizzle's table marker as whole identifiers, each once", () => {
    expect(
      findForbiddenWords(
        'const u=(0,a.sqliteTable)("users",{passwordHash:(0,b.text)("password_hash")});x.passwordHash',
      ),
    ).toEqual(["sqliteTable", "passwordHash", "password_hash"]);
    expect(findForbiddenWords('e[Symbol.for("drizzle:IsDrizzleTable")]')).toEqual(["drizzle:IsDrizzleTable"]);
    expect(findForbiddenWords("let passwordHashes, mystorageKey, storage_keys;")).toEqual([]);
  });
});

describe("scanClientBundle", () => {
  it("reports the chunk that carries a secret column, not the clean one", () => {
    write("chunks/clean.js", 'self.__next_f.push([1,"regions"]);const ROLES=["admin","reviewer","city_staff"];');
    write("chunks/app/leaky.js", 'var t=s("users",{id:i("id"),hash:x("password_hash"),until:i("locked_until")});');
    write("css/app.css", "body{margin:0}");
    const result = scanClientBundle(dir);
    expect(result).toMatchObject({ files: 3, scripts: 2 });
    expect(result.findings).toEqual([
      { file: path.join("chunks", "app", "leaky.js"), word: "password_hash" },
      { file: path.join("chunks", "app", "leaky.js"), word: "locked_until" },
    ]);
  });

  it("passes a build whose chunks are all clean", () => {
    write("chunks/a.js", "console.log(1)");
    expect(scanClientBundle(dir).findings).toEqual([]);
  });

  it("refuses to pass without a build: no directory, or no .js chunk in it", () => {
    expect(() => scanClientBundle(path.join(dir, "missing"))).toThrow(/does not exist/);
    write("media/font.woff2", "binary");
    expect(() => scanClientBundle(dir)).toThrow(/no \.js chunk/);
  });

  it("as a command, exits 1 naming the file and the word", () => {
    write("chunks/leaky.js", 'x("storage_key")');
    const run = () =>
      execFileSync(process.execPath, ["--import", "tsx", path.join("scripts", "check-client-bundle.ts"), dir], {
        encoding: "utf8",
        stdio: "pipe",
      });
    expect(run).toThrow(
      expect.objectContaining({
        status: 1,
        stderr: expect.stringContaining(`${path.join(dir, "chunks", "leaky.js")}: storage_key`),
      }),
    );
    fs.rmSync(path.join(dir, "chunks", "leaky.js"));
    write("chunks/clean.js", "console.log(1)");
    expect(run()).toContain("none names a secret column");
  });
});
