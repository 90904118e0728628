import fs from "node:fs";
import path from "node:path";

/**
 * Which server process uses a DATA_DIR: the server writes its pid to `DATA_DIR/server.pid` when it starts and
 * removes it when it exits. Seeding or a second `npm run demo` against a DATA_DIR a live server uses is refused
 * (their long writes would hold the database's lock while people save). A pid file of a dead process is stale.
 */
const FILE = "server.pid";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // alive, owned by someone else
  }
}

/** The pid of another live server process using this DATA_DIR, or null. */
export function liveServerPid(dataDir: string): number | null {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(dataDir, FILE), "utf8").trim());
  } catch {
    return null;
  }
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid) ? pid : null;
}

/**
 * Marks this process as the server of the DATA_DIR until it exits; refuses if another live server has it. So
 * a server owns its DATA_DIR alone: at start no upload can be in flight, and it sees every upload.
 */
export function claimDataDir(dataDir: string): void {
  const other = liveServerPid(dataDir);
  if (other !== null) throw new Error(`another CityEval server (process ${other}) is using ${dataDir}`);
  const file = path.join(dataDir, FILE);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, String(process.pid), { mode: 0o600 });
  process.once("exit", () => {
    try {
      if (fs.readFileSync(file, "utf8").trim() === String(process.pid)) fs.rmSync(file, { force: true });
    } catch {
      // already gone
    }
  });
}

/** For scripts that write much (seed, demo, restore): stop with a clear message if a server uses the DATA_DIR. */
export function refuseWhileServerRuns(dataDir: string, what: string): void {
  const pid = liveServerPid(dataDir);
  if (pid === null) return;
  console.error(`${what} refused: a CityEval server (process ${pid}) is using ${dataDir}. Stop it first, or use another DATA_DIR.`);
  process.exit(1);
}
