import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { claimDataDir, liveServerPid } from "./server-lock";

describe("the DATA_DIR's server pid file", () => {
  it("names a live other process, and is stale once that process is gone or when it is this one", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lock-"));
    expect(liveServerPid(dir)).toBeNull();
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
    fs.writeFileSync(path.join(dir, "server.pid"), String(child.pid));
    expect(liveServerPid(dir)).toBe(child.pid);
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    expect(liveServerPid(dir)).toBeNull();
    fs.writeFileSync(path.join(dir, "server.pid"), String(process.pid));
    expect(liveServerPid(dir)).toBeNull();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe("claiming a DATA_DIR", () => {
  it("is refused while another live server has it, and takes over a stale claim", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lock-"));
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
    fs.writeFileSync(path.join(dir, "server.pid"), String(child.pid));
    expect(() => claimDataDir(dir)).toThrow(`another CityEval server (process ${child.pid}) is using ${dir}`);
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    claimDataDir(dir);
    expect(fs.readFileSync(path.join(dir, "server.pid"), "utf8")).toBe(String(process.pid));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
