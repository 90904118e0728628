import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { claimDataDir, liveServerPid } from "./server-lock";

/** Another process that holds the DATA_DIR's lock as a server does, and its pid file. */
async function otherServer(dir: string) {
  const child = spawn(process.execPath, [
    "-e",
    "const D = require('better-sqlite3'); const d = new D(process.argv[1]); d.pragma('locking_mode = EXCLUSIVE'); d.exec('BEGIN EXCLUSIVE'); console.log('locked'); setTimeout(() => {}, 60000);",
    path.join(dir, "server.lock"),
  ]);
  await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
  fs.writeFileSync(path.join(dir, "server.pid"), String(child.pid));
  const kill = async () => {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL"); // as a crash or a power cut ends it: no exit handler runs
    await exited;
  };
  return { pid: child.pid!, kill };
}

describe("the DATA_DIR's server lock", () => {
  it("names a live server; once it is gone, even killed, the DATA_DIR is free again", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lock-"));
    expect(liveServerPid(dir)).toBeNull();
    const other = await otherServer(dir);
    expect(liveServerPid(dir)).toBe(other.pid);
    expect(() => claimDataDir(dir)).toThrow(`another CityEval server (process ${other.pid}) is using ${dir}`);
    await other.kill();
    expect(fs.readFileSync(path.join(dir, "server.pid"), "utf8")).toBe(String(other.pid)); // stale, and harmless
    expect(liveServerPid(dir)).toBeNull();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a stale pid file naming an unrelated live process (a pid reused after a reboot) does not block a start", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lock-"));
    fs.writeFileSync(path.join(dir, "server.pid"), String(process.ppid)); // alive, and not a CityEval server
    expect(liveServerPid(dir)).toBeNull();
    claimDataDir(dir);
    expect(fs.readFileSync(path.join(dir, "server.pid"), "utf8")).toBe(String(process.pid));
    expect(liveServerPid(dir)).toBeNull(); // this process is the server itself
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
