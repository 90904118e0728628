/**
 * `npm run check:durability [-- --kills 5 --seconds 8]` (after `next build`; `npm test` runs it with the
 * defaults, 3 kills of about 3 s of load each). Against the production server on a throwaway DATA_DIR:
 *
 * 1. Crash: a mixed load of autosaves (6 clients, each chaining its own revisions) and evidence uploads (2
 *    clients, 0.5–3 MB each) is cut by SIGKILL at a random moment; the database is opened as the restarted
 *    server would find it. Every acknowledged save must be there (the value of its revision, or of the one
 *    request in flight, never older), every acknowledged upload's row, and every evidence row's file with its
 *    SHA-256; the restarted server leaves no temporary upload behind. Repeated `--kills` times.
 * 2. Graceful stop: SIGTERM during a slow upload; the server takes no new connection, finishes the upload (201),
 *    exits 0 and leaves no WAL behind.
 * 3. Contention: while this script holds the database's write lock, an autosave is answered 503 with
 *    Retry-After and a translated message, the health probe stays up, and the save goes through once the lock
 *    is released.
 * 4. Backup under load: `npm run backup` while the load runs, `npm run restore` into an empty DATA_DIR; every
 *    save and upload acknowledged before the backup started is in the copy, every file it refers to is there.
 *
 * Prints what it did and found; exits 1 if anything acknowledged was lost or any check failed.
 */
import { type ChildProcess, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { and, eq } from "drizzle-orm";
import { getCityByCode } from "@/db/cities";
import { openDatabase } from "@/db/client";
import { runMigrations } from "@/db/migrate";
import { answers, evidence, items, submissions } from "@/db/schema";
import { seedBase } from "@/db/seed";
import { upsertUser } from "@/db/users";
import { randomPdf, request, signIn, startServer, tempDataDir, uploadEvidence } from "../bench/lib";

const { values: args } = parseArgs({ options: { kills: { type: "string" }, seconds: { type: "string" } } });
const KILLS = Number(args.kills ?? 3);
const SECONDS = Number(args.seconds ?? 3);
const PORT = 3240;
const BASE = `http://127.0.0.1:${PORT}`;
const CITIES = ["shanghai", "wuhan", "chengdu"];
const PASSWORD = "durability-password";
const WATCHDOG_MS = 10 * 60_000;

const failures: string[] = [];
const expect = (ok: boolean, what: string) => {
  if (!ok) failures.push(what);
  return ok;
};

type Save = { revision: number; value: number };

/** One autosaving client: a city's staff member saving one number item over and over. */
class Saver {
  acked: Save | null = null;
  inFlight: Save | null = null;
  private n = 0;
  constructor(
    readonly cityId: number,
    readonly itemId: number,
    private readonly cookie: () => string,
  ) {}

  /** One save; true when acknowledged. Errors (the server was killed) leave `inFlight` set. */
  async save(): Promise<boolean> {
    const revision = this.acked?.revision ?? 0;
    const value = (this.n++ % 50) + 1; // a change each time, within every item's limits
    const next = this.acked?.value === value ? (value % 50) + 1 : value;
    this.inFlight = { revision: revision + 1, value: next };
    const res = await request(`${BASE}/api/answers`, {
      method: "PUT",
      headers: { "Content-Type": "application/json", Cookie: this.cookie() },
      body: JSON.stringify({ itemId: this.itemId, baseRevision: revision, value: next }),
    });
    if (res.status !== 200) {
      this.inFlight = null;
      return false;
    }
    this.acked = { revision: (JSON.parse(res.body) as { revision: number }).revision, value: next };
    this.inFlight = null;
    return true;
  }
}

type Upload = { id: number; sha256: string };

const sha256 = (data: Buffer) => crypto.createHash("sha256").update(data).digest("hex");

async function main() {
  const dataDir = tempDataDir();
  const dbFile = path.join(dataDir, "cityeval.db");
  const setup = openDatabase(dbFile);
  runMigrations(setup);
  const { roundId } = seedBase(setup);
  const numberItems = setup
    .select({ id: items.id })
    .from(items)
    .where(and(eq(items.roundId, roundId), eq(items.answerType, "number")))
    .all();
  const staff: { email: string; cityId: number }[] = [];
  for (const code of CITIES) {
    const cityId = getCityByCode(setup, code)!.id;
    const email = `durability-${code}@check.local`;
    await upsertUser(setup, { email, name: `durability ${code}`, password: PASSWORD, role: "city_staff", cityId });
    staff.push({ email, cityId });
  }
  setup.$client.close();

  const env = { EVIDENCE_MAX_MB: "10", SHUTDOWN_GRACE_SECONDS: "20" };
  let server = await startServer(dataDir, PORT, env);
  // However this check ends (a failure, an exception, the watchdog), it leaves no server behind.
  process.on("exit", () => server.kill("SIGKILL"));
  const cookies = new Map<number, string>();
  const signInAll = async () => {
    for (const s of staff) cookies.set(s.cityId, await signIn(BASE, s.email, PASSWORD));
  };
  await signInAll();
  const savers = Array.from(
    { length: 6 },
    (_, i) => new Saver(staff[i % 3]!.cityId, numberItems[i]!.id, () => cookies.get(staff[i % 3]!.cityId)!),
  );
  const uploads: Upload[] = [];
  let acknowledgedSaves = 0;

  /** Runs the mixed load until `stop()` says so; returns the number of acknowledged saves and uploads. */
  async function mixedLoad(stop: () => boolean) {
    let saves = 0;
    let uploaded = 0;
    const saving = savers.map(async (saver) => {
      while (!stop()) {
        if (await saver.save().catch(() => false)) saves++;
        else if (!stop()) await new Promise((r) => setTimeout(r, 20));
      }
    });
    const uploading = [0, 1].map(async (k) => {
      while (!stop()) {
        const file = randomPdf(Math.round((0.25 + Math.random() * 1.75) * 1024 * 1024));
        const itemId = numberItems[10 + k]!.id;
        const res = await uploadEvidence(BASE, cookies.get(staff[k]!.cityId)!, itemId, file).catch(() => null);
        if (res?.status === 201) {
          const { id, sha256: hash } = JSON.parse(res.body) as { id: number; sha256: string };
          expect(hash === sha256(file), `upload ${id}: the server's hash differs from the file sent`);
          uploads.push({ id, sha256: hash });
          uploaded++;
        }
      }
    });
    await Promise.all([...saving, ...uploading]);
    acknowledgedSaves += saves;
    return { saves, uploaded };
  }

  /** Checks a DATA_DIR against what was acknowledged (`saved`, `uploaded`), as a restarted server finds it. */
  function checkDataDir(
    dir: string,
    what: string,
    saved: Map<Saver, Save | null>,
    uploaded: Upload[],
    allowNewer: boolean,
  ) {
    const db = openDatabase(path.join(dir, "cityeval.db"));
    try {
      expect(db.$client.pragma("integrity_check", { simple: true }) === "ok", `${what}: integrity check failed`);
      for (const [saver, acked] of saved) {
        const row = db
          .select({ revision: answers.revision, value: answers.value })
          .from(answers)
          .innerJoin(submissions, eq(submissions.id, answers.submissionId))
          .where(and(eq(submissions.cityId, saver.cityId), eq(answers.itemId, saver.itemId)))
          .get();
        if (!acked) continue;
        const label = `${what}: city ${saver.cityId} item ${saver.itemId}`;
        if (!expect(row !== undefined, `${label}: acknowledged revision ${acked.revision} lost (no answer)`)) continue;
        if (allowNewer) {
          expect(
            row!.revision >= acked.revision,
            `${label}: revision ${row!.revision} older than acknowledged ${acked.revision}`,
          );
        } else {
          const inFlight = saver.inFlight;
          const matches = (s: Save | null) => s !== null && row!.revision === s.revision && row!.value === s.value;
          expect(
            matches(acked) || matches(inFlight),
            `${label}: found revision ${row!.revision} = ${String(row!.value)}, acknowledged ${acked.revision} = ${acked.value}`,
          );
        }
      }
      const rows = db
        .select({ id: evidence.id, sha256: evidence.sha256, storageKey: evidence.storageKey })
        .from(evidence)
        .where(eq(evidence.kind, "file"))
        .all();
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const u of uploaded)
        expect(byId.get(u.id)?.sha256 === u.sha256, `${what}: acknowledged upload ${u.id} lost`);
      for (const r of rows) {
        const file = path.join(dir, "evidence", r.storageKey!);
        expect(
          fs.existsSync(file) && sha256(fs.readFileSync(file)) === r.sha256,
          `${what}: evidence row ${r.id} has no intact file`,
        );
      }
      return { answers: saved.size, evidenceRows: rows.length };
    } finally {
      db.$client.close();
    }
  }

  const exited = (child: ChildProcess) =>
    new Promise<number | null>((resolve) =>
      child.exitCode !== null || child.signalCode !== null
        ? resolve(child.exitCode)
        : child.once("exit", (code) => resolve(code)),
    );
  const tmpDir = path.join(dataDir, "evidence", "tmp");
  const tmpFiles = () =>
    fs.existsSync(tmpDir) ? fs.readdirSync(tmpDir, { withFileTypes: true }).filter((e) => e.isFile()).length : 0;

  // 1. kill -9 during the mixed load
  console.log(`1. SIGKILL during autosaves and uploads, ${KILLS} times`);
  for (let round = 1; round <= KILLS; round++) {
    let killed = false;
    const killAfter = 1000 + Math.random() * (SECONDS * 1000 - 1000);
    const load = mixedLoad(() => killed);
    if (round === 1) {
      // The first kill lands in the middle of an upload for sure: a large, paced one is streaming into a
      // temporary file (seen on disk) when the server dies.
      const file = randomPdf(6 * 1024 * 1024);
      let sent = 0;
      uploadEvidence(BASE, cookies.get(staff[2]!.cityId)!, numberItems[13]!.id, file, {
        paceMs: 100,
        ownConnection: true,
        onProgress: (n) => (sent = n),
      }).catch(() => {});
      for (let waited = 0; (sent < file.length / 3 || tmpFiles() === 0) && waited < 20_000; waited += 20)
        await new Promise((r) => setTimeout(r, 20));
    } else {
      await new Promise((r) => setTimeout(r, killAfter));
    }
    killed = true; // before the kill: no client starts a request the check would not know about
    server.kill("SIGKILL");
    await exited(server);
    const { saves, uploaded } = await load;
    const debris = tmpFiles();
    expect(saves > 0, `kill ${round}: no save was acknowledged before the kill; the check proved nothing`);
    if (round === 1)
      expect(
        debris > 0,
        "kill 1: the kill in the middle of an upload left no temporary file to clean up; the check proved nothing",
      );
    const found = checkDataDir(dataDir, `kill ${round}`, new Map(savers.map((s) => [s, s.acked])), uploads, false);
    // The restarted server takes up where the clients' last answers left off (a save in flight may have landed).
    const db = openDatabase(dbFile);
    for (const saver of savers) {
      const row = db
        .select({ revision: answers.revision, value: answers.value })
        .from(answers)
        .innerJoin(submissions, eq(submissions.id, answers.submissionId))
        .where(and(eq(submissions.cityId, saver.cityId), eq(answers.itemId, saver.itemId)))
        .get();
      saver.acked = row ? { revision: row.revision, value: Number(row.value) } : null;
      saver.inFlight = null;
    }
    db.$client.close();
    server = await startServer(dataDir, PORT, env);
    const left = tmpFiles();
    expect(left === 0, `kill ${round}: ${left} temporary upload file(s) left after the restart`);
    console.log(
      `   kill ${round}${round === 1 ? " halfway through an upload" : ` after ${(killAfter / 1000).toFixed(1)} s`}: ${saves} saves and ${uploaded} uploads acknowledged; ` +
        `${found.evidenceRows} evidence rows checked with their files; ${debris} interrupted upload(s) in tmp, ${left} after restart`,
    );
  }

  // 2. SIGTERM during a slow upload
  console.log("2. SIGTERM during a slow upload");
  const slowFile = randomPdf(3 * 1024 * 1024);
  let signalled!: () => void;
  const halfway = new Promise<void>((r) => (signalled = r));
  const slow = uploadEvidence(BASE, cookies.get(staff[0]!.cityId)!, numberItems[12]!.id, slowFile, {
    paceMs: 100,
    ownConnection: true,
    onProgress: (sent) => sent >= slowFile.length / 3 && signalled(),
  });
  await halfway;
  server.kill("SIGTERM");
  let refused = false;
  for (let waited = 0; !refused && waited < 5000; waited += 100) {
    await new Promise((r) => setTimeout(r, 100));
    refused = await fetch(`${BASE}/api/health`).then(
      () => false,
      () => true,
    );
  }
  expect(refused, "after SIGTERM the server still took a new connection");
  const slowResult = await slow;
  const code = await exited(server);
  expect(slowResult.status === 201, `the upload running at SIGTERM got ${slowResult.status}`);
  if (slowResult.status === 201)
    uploads.push({ id: (JSON.parse(slowResult.body) as { id: number }).id, sha256: sha256(slowFile) });
  expect(code === 0, `the server exited with ${code} after SIGTERM`);
  const wal = path.join(dataDir, "cityeval.db-wal");
  const walBytes = fs.existsSync(wal) ? fs.statSync(wal).size : 0;
  expect(walBytes === 0, `the WAL holds ${walBytes} bytes after a clean stop`);
  checkDataDir(dataDir, "after SIGTERM", new Map(savers.map((s) => [s, s.acked])), uploads, false);
  console.log(
    `   new connections refused: ${refused}; running upload answered ${slowResult.status}; exit code ${code}; WAL left: ${walBytes} bytes`,
  );

  // 3. another process holds the write lock
  console.log("3. another process holds the database's write lock");
  server = await startServer(dataDir, PORT, env);
  const locker = openDatabase(dbFile);
  locker.$client.exec("BEGIN IMMEDIATE");
  const saver = savers[0]!;
  const t0 = performance.now();
  const busy = request(`${BASE}/api/answers`, {
    method: "PUT",
    headers: { "Content-Type": "application/json", Cookie: cookies.get(saver.cityId)!, "Accept-Language": "zh-CN" },
    body: JSON.stringify({ itemId: saver.itemId, baseRevision: saver.acked?.revision ?? 0, value: 42 }),
  });
  const health = fetch(`${BASE}/api/health`).then((r) => ({ status: r.status, ms: performance.now() - t0 }));
  const [busyRes, healthRes] = await Promise.all([busy, health]);
  const busyMs = performance.now() - t0;
  locker.$client.exec("ROLLBACK");
  locker.$client.close();
  const message = (JSON.parse(busyRes.body) as { message?: string }).message ?? "";
  expect(busyRes.status === 503, `a save against a locked database got ${busyRes.status}, not 503`);
  expect(busyRes.headers["retry-after"] !== undefined, "the 503 has no Retry-After");
  expect(/系统正忙/.test(message), `the 503's message is not the translated one: ${message}`);
  expect(healthRes.status === 200, `the health probe got ${healthRes.status} while the database was locked`);
  const retried = await saver.save();
  expect(retried, "the save did not go through once the lock was released");
  console.log(
    `   autosave: ${busyRes.status} (Retry-After ${busyRes.headers["retry-after"]}) after ${busyMs.toFixed(0)} ms, "${message}"; health: ${healthRes.status} in ${healthRes.ms.toFixed(0)} ms; after release: ${retried ? "saved" : "NOT saved"}`,
  );

  // 4. backup during the load, restore, check
  console.log("4. backup while the load runs, then restore");
  await signInAll();
  let stopLoad = false;
  const load = mixedLoad(() => stopLoad);
  await new Promise((r) => setTimeout(r, 800));
  const before = new Map(savers.map((s) => [s, s.acked ? { ...s.acked } : null]));
  const uploadsBefore = [...uploads];
  const backupDir = path.join(dataDir, "..", `${path.basename(dataDir)}-backup`);
  const backupRun = await runScript("scripts/backup.ts", [backupDir], dataDir);
  await new Promise((r) => setTimeout(r, 500));
  stopLoad = true;
  const during = await load;
  expect(backupRun.code === 0, `npm run backup exited ${backupRun.code}: ${backupRun.output}`);
  const restoreDir = `${dataDir}-restored`;
  const restoreRun = await runScript("scripts/restore.ts", [backupDir], restoreDir);
  expect(restoreRun.code === 0, `npm run restore exited ${restoreRun.code}: ${restoreRun.output}`);
  if (restoreRun.code === 0) checkDataDir(restoreDir, "restored backup", before, uploadsBefore, true);
  console.log(
    `   ${during.saves} saves and ${during.uploaded} uploads acknowledged around the backup; backup exit ${backupRun.code}, restore exit ${restoreRun.code}`,
  );
  console.log(`   ${backupRun.output.split("\n")[0]}`);

  server.kill("SIGTERM");
  await exited(server);
  for (const dir of [dataDir, backupDir, restoreDir]) fs.rmSync(dir, { recursive: true, force: true });

  expect(uploads.length > 0, "no upload was acknowledged at all; the check proved nothing about evidence");
  console.log(`\n${acknowledgedSaves} saves and ${uploads.length} uploads acknowledged in all.`);
  if (failures.length) {
    console.error(`FAILED: ${failures.length} problem(s)\n${failures.map((f) => `  - ${f}`).join("\n")}`);
    process.exit(1);
  }
  console.log(
    "OK: nothing acknowledged was lost, every evidence row has its file, no debris, clean stop, 503 under contention, backup restores.",
  );
}

/** Runs one of the operator scripts as `npm run` would, against `dataDir`; its exit code and output. */
function runScript(
  script: string,
  scriptArgs: string[],
  dataDir: string,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", script, ...scriptArgs], {
      env: { ...process.env, DATA_DIR: dataDir },
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("exit", (code) => resolve({ code, output: output.trim() }));
  });
}

// A check that hangs on a starved machine fails with a message rather than stalling the whole test run.
setTimeout(() => {
  console.error(`FAILED: the durability check did not finish within ${WATCHDOG_MS / 60_000} minutes`);
  process.exit(1);
}, WATCHDOG_MS).unref();

// Every step awaits the server or a client; if one of them never settles, Node ends the process with exit code 0
// once nothing else is pending. That must never pass for a finished check.
let finished = false;
process.on("beforeExit", () => {
  if (finished) return;
  console.error("FAILED: the check stopped before it finished (a request or a child process never settled)");
  process.exit(1);
});

main()
  .then(() => {
    finished = true;
  })
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
