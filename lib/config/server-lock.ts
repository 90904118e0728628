import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

/**
 * Which server uses a DATA_DIR. The server holds an exclusive lock on `DATA_DIR/server.lock` (a small SQLite
 * file) for as long as it runs; the kernel releases it when the process ends, however it ends (a crash,
 * kill -9, a power cut), so a dead server never blocks a restart, and an unrelated process that got its old
 * pid is never mistaken for it. `server.pid` only names the holder in messages. A second server, seeding, a
 * second `npm run demo` or a restore against a DATA_DIR a live server uses are refused (their writes would hold
 * the database's lock while people save, or replace it under the server).
 */
const LOCK_FILE = "server.lock";
const PID_FILE = "server.pid";

const holder = globalThis as unknown as { cityevalServerLock?: Database.Database };

/** Takes the lock, or null when another process holds it. */
function tryLock(dataDir: string): Database.Database | null {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const lock = new Database(path.join(dataDir, LOCK_FILE), { timeout: 0 });
  try {
    lock.pragma("locking_mode = EXCLUSIVE");
    lock.exec("BEGIN EXCLUSIVE"); // held until the connection closes: never committed
    return lock;
  } catch (error) {
    lock.close();
    if (String((error as { code?: unknown }).code).startsWith("SQLITE_BUSY")) return null;
    throw error;
  }
}

/** The pid of another live server using this DATA_DIR (0 if it did not say), or null when none does. */
export function liveServerPid(dataDir: string): number | null {
  if (holder.cityevalServerLock?.name === path.join(dataDir, LOCK_FILE)) return null; // this process is the server
  const probe = tryLock(dataDir);
  if (probe) {
    probe.close();
    return null;
  }
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, PID_FILE), "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : 0;
  } catch {
    return 0;
  }
}

/**
 * Makes this process the server of the DATA_DIR until it exits; refuses if another live server has it. So
 * a server owns its DATA_DIR alone: at start no upload can be in flight, and it sees every upload.
 */
export function claimDataDir(dataDir: string): void {
  if (holder.cityevalServerLock?.open) return;
  const lock = tryLock(dataDir);
  if (!lock) throw new Error(`another CityEval server (process ${liveServerPid(dataDir) ?? 0}) is using ${dataDir}`);
  holder.cityevalServerLock = lock;
  const file = path.join(dataDir, PID_FILE);
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
  console.error(
    `${what} refused: a CityEval server (process ${pid || "unknown"}) is using ${dataDir}. Stop it first, or use another DATA_DIR.`,
  );
  process.exit(1);
}
