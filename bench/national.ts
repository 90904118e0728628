/**
 * bench/national — `npm run bench:national` (after `npx next build`; not part of `npm test`).
 * A national round: NATIONAL_UNITS (default 2,800) cities × the 58 items of the 2019 framework, written through
 * the data layer (db/synthetic.ts: answers, evidence links, each stage's decisions, the audit entries), with
 * NATIONAL_PENDING (default 280) cities' modules waiting at the first stage for the review queue. Then:
 *  1. server time (p50/p95) and HTML size of the control page, the review queue and the audit log while open;
 *  2. finalising, in a process of its own: seconds and peak RSS; next to the raw limit — a plain better-sqlite3
 *     script doing the same work and nothing else (read the answers, score them with the same engine, hash
 *     them, write the result rows in one transaction) — in a process of its own, and the ratio; several runs of
 *     each (NATIONAL_FINALISE_RUNS, default 5) on fresh copies of the database, medians compared;
 *  3. after finalising: the report, a scorecard, the control page and the audit log;
 *  4. the CSV and Excel exports: time to the first byte, total time, size and the server's peak RSS while it
 *     answers;
 *  5. the big exports again with the server's JavaScript heap capped (NATIONAL_HEAP_CAP_MB, default 160): they
 *     complete only if their memory does not grow with the number of cities.
 * Prints figures, targets and ratios; it asserts nothing.
 */
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import Database from "better-sqlite3";
import { openDatabase } from "@/db/client";
import { finaliseRound } from "@/db/finalise";
import { DEMO_PASSWORD, migrateAndSeed } from "@/db/seed";
import { completeSyntheticReviews, seedSyntheticRound } from "@/db/synthetic";
import { getSessionUserByEmail } from "@/db/users";
import type { ScoringRule } from "@/lib/framework/schema";
import { scoreItem } from "@/lib/scoring/engine";
import { fmt, request, signIn, startServer, tempDataDir, treeRssKb } from "./lib";

const PORT = 3230;
const UNITS = Number(process.env.NATIONAL_UNITS ?? 2800);
const PENDING = Number(process.env.NATIONAL_PENDING ?? 280);
const SAMPLES = Number(process.env.NATIONAL_SAMPLES ?? 20);
const ROUND_NAME = "national bench";
/** The server's V8 heap limit for the last step: above what it needs to serve, below a national export as objects. */
const HEAP_CAP_MB = Number(process.env.NATIONAL_HEAP_CAP_MB ?? 160);
/** Finalising and the raw limit, each run this many times. */
const FINALISE_RUNS = Math.max(1, Number(process.env.NATIONAL_FINALISE_RUNS ?? 5));

type Child = { seconds: number; peakMb: number; detail: string };

/**
 * The raw limit: the same work as finalising with nothing else, on a copy of the database — as issue 16 defined
 * it, a row per city and item, indicator, module and total (230,000 rows), which is what finalising wrote then;
 * kept so, so that its figures compare with the issue's.
 */
function rawLimit(dbFile: string, roundId: number): Child {
  const start = performance.now();
  const db = new Database(dbFile);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.exec(
    "CREATE TABLE raw_results (round_id INTEGER, city_id INTEGER, level TEXT, code TEXT, points INTEGER, rank INTEGER)",
  );
  const items = db
    .prepare(
      "SELECT i.id, i.code, i.scoring_rule, i.max_points, ind.code AS indicator, m.code AS module FROM items i JOIN indicators ind ON ind.id = i.indicator_id JOIN modules m ON m.id = ind.module_id WHERE i.round_id = ? ORDER BY m.position, ind.position, i.position",
    )
    .all(roundId) as {
    id: number;
    code: string;
    scoring_rule: string;
    max_points: number;
    indicator: string;
    module: string;
  }[];
  const itemOf = new Map(items.map((i) => [i.id, { ...i, rule: JSON.parse(i.scoring_rule) as ScoringRule }]));
  const hash = crypto.createHash("sha256");
  const totals = new Map<number, Map<string, number>>();
  const insert = db.prepare(
    "INSERT INTO raw_results (round_id, city_id, level, code, points, rank) VALUES (?, ?, ?, ?, ?, NULL)",
  );
  let answers = 0;
  // better-sqlite3 cannot write while a read of the same connection is open: read all, then write.
  db.transaction(() => {
    for (const row of db
      .prepare(
        "SELECT s.city_id, a.item_id, a.value, a.not_applicable_reason FROM answers a JOIN submissions s ON s.id = a.submission_id WHERE s.round_id = ? ORDER BY s.city_id",
      )
      .all(roundId) as {
      city_id: number;
      item_id: number;
      value: string | null;
      not_applicable_reason: string | null;
    }[]) {
      const item = itemOf.get(row.item_id)!;
      const value = row.value === null ? null : JSON.parse(row.value);
      const points = scoreItem(
        { code: item.code, scoringRule: item.rule, maxPoints: item.max_points },
        { value, notApplicable: !!row.not_applicable_reason },
      );
      hash.update(`${row.city_id}|${item.code}|${row.value}|${points}\n`);
      insert.run(roundId, row.city_id, "item", item.code, points);
      answers++;
      let sums = totals.get(row.city_id);
      if (!sums) totals.set(row.city_id, (sums = new Map()));
      for (const key of [`indicator:${item.indicator}`, `module:${item.module}`, "total:"])
        sums.set(key, (sums.get(key) ?? 0) + points);
    }
    for (const [cityId, sums] of totals)
      for (const [key, points] of sums) {
        const [level, code] = key.split(":") as [string, string];
        insert.run(roundId, cityId, level, code, points);
      }
  })();
  const rows = (db.prepare("SELECT count(*) AS n FROM raw_results").get() as { n: number }).n;
  db.close();
  return {
    seconds: (performance.now() - start) / 1000,
    peakMb: process.resourceUsage().maxRSS / 1024,
    detail: `${answers} answers read and scored, ${rows} rows written, digest ${hash.digest("hex").slice(0, 12)}…`,
  };
}

function finaliseChild(dbFile: string, roundId: number): Child {
  const db = openDatabase(dbFile);
  const admin = getSessionUserByEmail(db, "admin@cityeval.demo")!;
  const start = performance.now();
  const result = finaliseRound(db, admin, roundId);
  const seconds = (performance.now() - start) / 1000;
  db.$client.close();
  return {
    seconds,
    peakMb: process.resourceUsage().maxRSS / 1024,
    detail: result.ok ? `${result.cities} cities, digest ${result.digest.slice(0, 12)}…` : `refused: ${result.reason}`,
  };
}

/** Runs one measured step in a fresh process, so that its peak RSS is its own. */
function inChild(kind: "finalise" | "raw", dataDir: string, roundId: number, dbFile = ""): Child {
  const out = execFileSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "--conditions=react-server",
      "bench/national.ts",
      "--child",
      kind,
      dataDir,
      String(roundId),
      dbFile,
    ],
    { env: { ...process.env, DATA_DIR: dataDir }, encoding: "utf8", maxBuffer: 1 << 20 },
  );
  return JSON.parse(out.trim().split("\n").at(-1)!) as Child;
}

type PageFigures = { p50: number; p95: number; kb: number };

async function measurePage(url: string, cookie: string): Promise<PageFigures> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < SAMPLES + 3; i++) {
    const t0 = performance.now();
    const res = await request(url, { headers: { Cookie: cookie } });
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    if (i >= 3) times.push(performance.now() - t0); // after warm-up
    bytes = Buffer.byteLength(res.body);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { p50: at(0.5), p95: at(0.95), kb: bytes / 1024 };
}

type ExportFigures = { firstByteMs: number; seconds: number; kb: number; peakMb: number; baseMb: number };

/** Downloads an export, timing its first byte, while sampling the server's resident memory. */
function measureExport(url: string, cookie: string, serverPid: number): Promise<ExportFigures> {
  return new Promise((resolve, reject) => {
    const baseMb = treeRssKb(serverPid) / 1024;
    let peakMb = baseMb;
    const sampler = setInterval(() => {
      peakMb = Math.max(peakMb, treeRssKb(serverPid) / 1024);
    }, 25);
    const t0 = performance.now();
    let firstByteMs = 0;
    let bytes = 0;
    const fail = (error: Error) => {
      clearInterval(sampler);
      reject(error);
    };
    http
      .get(url, { headers: { Cookie: cookie } }, (res) => {
        if (res.statusCode !== 200) fail(new Error(`${url} answered ${res.statusCode}`));
        res.on("data", (chunk: Buffer) => {
          if (!bytes) firstByteMs = performance.now() - t0;
          bytes += chunk.length;
        });
        res.on("error", fail); // cut off: the server went away
        res.on("end", () => {
          if (!res.complete) return fail(new Error(`${url}: the response was cut off`));
          clearInterval(sampler);
          resolve({ firstByteMs, seconds: (performance.now() - t0) / 1000, kb: bytes / 1024, peakMb, baseMb });
        });
      })
      .on("error", fail);
  });
}

const line = (label: string, f: PageFigures, targets = "targets p95 < 300 ms, < 500 KB") =>
  console.log(
    `  ${label.padEnd(34)} p50 ${fmt(f.p50, 0).padStart(5)} ms  p95 ${fmt(f.p95, 0).padStart(5)} ms  ${fmt(f.kb, 0).padStart(6)} KB  ${targets}`,
  );

async function pages(dataDir: string, label: string, urls: [string, string, string][]) {
  const server = await startServer(dataDir, PORT);
  try {
    const base = `http://127.0.0.1:${PORT}`;
    const cookies = new Map<string, string>();
    console.log(`\n${label}`);
    for (const [name, email, url] of urls) {
      if (!cookies.has(email)) cookies.set(email, await signIn(base, email, DEMO_PASSWORD));
      line(name, await measurePage(`${base}${url}`, cookies.get(email)!));
    }
    return { server, base, cookie: cookies.get("admin@cityeval.demo")! };
  } catch (error) {
    server.kill();
    throw error;
  }
}

async function main() {
  const dataDir = tempDataDir();
  const dbFile = path.join(dataDir, "cityeval.db");
  process.env.DATA_DIR = dataDir;
  try {
    console.log(`preparing: demo data, then a national round of ${UNITS} cities × 58 items …`);
    const db = openDatabase(dbFile);
    await migrateAndSeed(db);
    const reviewers = ["reviewer1@cityeval.demo", "reviewer3@cityeval.demo"].map(
      (email) => getSessionUserByEmail(db, email)!.id,
    );
    const seedStart = performance.now();
    const { roundId } = seedSyntheticRound(db, UNITS, ROUND_NAME, { pending: PENDING, reviewers });
    const counts = db.$client
      .prepare(
        "SELECT (SELECT count(*) FROM answers a JOIN submissions s ON s.id = a.submission_id WHERE s.round_id = ?) AS answers, (SELECT count(*) FROM evidence e JOIN submissions s ON s.id = e.submission_id WHERE s.round_id = ?) AS evidence, (SELECT count(*) FROM item_reviews r JOIN submissions s ON s.id = r.submission_id WHERE s.round_id = ?) AS reviews, (SELECT count(*) FROM audit_log) AS audit",
      )
      .get(roundId, roundId, roundId) as Record<string, number>;
    console.log(
      `  written in ${fmt((performance.now() - seedStart) / 1000, 0)} s: ${counts.answers} answers, ${counts.evidence} evidence rows, ${counts.reviews} item decisions, ${counts.audit} audit entries`,
    );
    db.$client.close();

    const open = await pages(dataDir, `1. open round (${PENDING} cities' modules waiting at stage 1)`, [
      ["control page", "admin@cityeval.demo", `/admin/rounds/${roundId}`],
      ["review queue (stage 1 reviewer)", "reviewer1@cityeval.demo", "/review"],
      ["audit log", "admin@cityeval.demo", "/admin/audit"],
    ]);
    open.server.kill();

    const reopened = openDatabase(dbFile);
    const completed = completeSyntheticReviews(reopened, roundId, reviewers);
    reopened.$client.pragma("wal_checkpoint(TRUNCATE)");
    reopened.$client.close();
    console.log(`\n2. finalising (${completed} waiting modules approved first)`);
    // Several runs of each, alternating, each on a fresh copy of the database: this machine's speed varies from
    // minute to minute (the raw limit alone has taken 0.6–1.1 s), so each pair's ratio is shown and the medians
    // are compared.
    const runs: { raw: Child; fin: Child }[] = [];
    for (let i = 0; i < FINALISE_RUNS; i++) {
      const last = i === FINALISE_RUNS - 1;
      const rawCopy = path.join(dataDir, `raw-limit-${i}.db`);
      fs.copyFileSync(dbFile, rawCopy);
      const raw = inChild("raw", dataDir, roundId, rawCopy);
      fs.rmSync(rawCopy);
      const finCopy = path.join(dataDir, last ? "cityeval.db" : `finalise-${i}.db`);
      if (!last) fs.copyFileSync(dbFile, finCopy);
      const fin = inChild("finalise", dataDir, roundId, finCopy); // the last run finalises the round itself
      if (!last) fs.rmSync(finCopy);
      runs.push({ raw, fin });
      console.log(
        `  run ${i + 1}: raw limit ${fmt(raw.seconds, 2)} s, CityEval ${fmt(fin.seconds, 2)} s (${fmt(fin.seconds / raw.seconds, 2)}×)`,
      );
    }
    const median = (pick: (r: { raw: Child; fin: Child }) => Child) =>
      [...runs].map(pick).sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)]!;
    const peakMb = (pick: (r: { raw: Child; fin: Child }) => Child) => Math.max(...runs.map((r) => pick(r).peakMb));
    const raw = median((r) => r.raw);
    const fin = median((r) => r.fin);
    const pairRatio = runs.map((r) => r.fin.seconds / r.raw.seconds).sort((a, b) => a - b)[
      Math.floor(runs.length / 2)
    ]!;
    console.log(
      `  raw limit   ${fmt(raw.seconds, 2).padStart(6)} s  peak RSS ${fmt(
        peakMb((r) => r.raw),
        0,
      )} MB  (median time and highest RSS of ${runs.length}; ${raw.detail})`,
    );
    console.log(
      `  CityEval    ${fmt(fin.seconds, 2).padStart(6)} s  peak RSS ${fmt(
        peakMb((r) => r.fin),
        0,
      )} MB  (median time and highest RSS of ${runs.length}; ${fin.detail})`,
    );
    console.log(
      `  ratio CityEval / raw: time ${fmt(fin.seconds / raw.seconds, 2)}× of the medians, ${fmt(pairRatio, 2)}× the median of the runs' ratios (target ≤ 2×); memory ${fmt(peakMb((r) => r.fin) / peakMb((r) => r.raw), 2)}×; peak RSS target < 400 MB`,
    );

    const probe = openDatabase(dbFile);
    const cityCode = (
      probe.$client
        .prepare(
          "SELECT c.code FROM results r JOIN cities c ON c.id = r.city_id WHERE r.round_id = ? AND r.level = 'total' ORDER BY r.rank LIMIT 1 OFFSET ?",
        )
        .get(roundId, Math.floor(UNITS / 2)) as { code: string }
    ).code;
    probe.$client.close();
    const done = await pages(dataDir, "3. finalised round", [
      ["report", "admin@cityeval.demo", `/rounds/${roundId}/report`],
      ["scorecard (a city in the middle)", "admin@cityeval.demo", `/rounds/${roundId}/report/cities/${cityCode}`],
      ["control page", "admin@cityeval.demo", `/admin/rounds/${roundId}`],
      ["audit log", "admin@cityeval.demo", "/admin/audit"],
    ]);
    const sizeOf = new Map<string, number>();
    try {
      console.log("\n4. exports (the server's resident memory sampled every 25 ms while it answers)");
      for (const [label, query] of [
        ["CSV, one row per city", "format=csv"],
        ["CSV, one row per city and item", "format=csv&level=items"],
        ["Excel, both sheets", "format=xlsx"],
        // Again: the server's heap grows once under the churn of a big export; a second run shows whether it
        // keeps growing (memory held per city) or reuses what it has (bounded).
        ["CSV per city and item, again", "format=csv&level=items"],
        ["Excel, again", "format=xlsx"],
      ] as const) {
        const f = await measureExport(
          `${done.base}/api/rounds/${roundId}/export?${query}`,
          done.cookie,
          done.server.pid!,
        );
        sizeOf.set(query, f.kb);
        console.log(
          `  ${label.padEnd(32)} first byte ${fmt(f.firstByteMs, 0).padStart(5)} ms  total ${fmt(f.seconds, 2)} s  ${fmt(f.kb / 1024, 1)} MB  server RSS ${fmt(f.baseMb, 0)} → peak ${fmt(f.peakMb, 0)} MB (+${fmt(f.peakMb - f.baseMb, 0)})  target first byte < 1 s`,
        );
      }
    } finally {
      done.server.kill();
    }

    // RSS says little about what a server holds: V8 lets garbage pile up while it has room. With the heap capped
    // below what the rows of a national export take as objects, an export that held them would run out.
    const capped = await startServer(dataDir, PORT, {}, [`--max-old-space-size=${HEAP_CAP_MB}`]);
    try {
      const base = `http://127.0.0.1:${PORT}`;
      const cookie = await signIn(base, "admin@cityeval.demo", DEMO_PASSWORD);
      console.log(`\n5. the exports again, the server's JavaScript heap capped at ${HEAP_CAP_MB} MB`);
      for (const [label, query] of [
        ["CSV, one row per city and item", "format=csv&level=items"],
        ["Excel, both sheets", "format=xlsx"],
      ] as const) {
        const f = await measureExport(`${base}/api/rounds/${roundId}/export?${query}`, cookie, capped.pid!);
        // Complete: the server ended the response itself (a cut-off one fails measureExport). A workbook carries
        // its creation time, so its size may differ from the uncapped one's by a few bytes; a CSV's may not.
        const uncapped = sizeOf.get(query) ?? 0;
        console.log(
          `  ${label.padEnd(32)} complete: ${fmt(f.kb, 0)} KB in ${fmt(f.seconds, 2)} s (uncapped ${fmt(uncapped, 0)} KB)  server RSS ${fmt(f.baseMb, 0)} → peak ${fmt(f.peakMb, 0)} MB`,
        );
      }
    } finally {
      capped.kill();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--child") {
  const [, , , kind, , roundId, dbFile] = process.argv;
  const result = kind === "raw" ? rawLimit(dbFile!, Number(roundId)) : finaliseChild(dbFile!, Number(roundId));
  console.log(JSON.stringify(result));
} else {
  void main();
}
