/**
 * bench/autosave — `npm run bench:autosave` (after `npx next build`).
 * 1. Requests/s and p50/p95 latency of autosaving one answer at 50 concurrent clients (10 staff of 5 cities,
 *    each client on its own item, chaining its own revisions) next to the empty route handler /api/health of
 *    the same production server, and the ratio. Target: ratio ≥ 0.5, p95 < 50 ms.
 * 2. Server memory growth (process tree RSS) while one 200 MB evidence file streams in. Target: < 50 MB.
 * 3. What durability costs: the same save through the data layer on one connection, synchronous=FULL (what the
 *    server runs: a commit is on disk before it is acknowledged) next to NORMAL (a power cut may lose the last
 *    commits), and the ratio.
 * Prints figures only; it asserts nothing.
 */
import fs from "node:fs";
import http from "node:http";
import { and, eq } from "drizzle-orm";
import { saveAnswer } from "@/db/answers";
import { getCityByCode } from "@/db/cities";
import { openDatabase } from "@/db/client";
import { runMigrations } from "@/db/migrate";
import { items } from "@/db/schema";
import { seedBase } from "@/db/seed";
import { upsertUser } from "@/db/users";
import { fmt, type LoadResult, request, runLoad, signIn, startServer, tempDataDir, treeRssKb } from "./lib";

const PORT = 3210;
const BASE = `http://127.0.0.1:${PORT}`;
const CLIENTS = 50;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CITIES = ["shanghai", "beijing", "shenzhen", "hangzhou", "chengdu"];
const UPLOAD_MB = 200;

async function main() {
  const dataDir = tempDataDir();
  const db = openDatabase(`${dataDir}/cityeval.db`);
  runMigrations(db);
  const { roundId } = seedBase(db);
  const numberItems = db
    .select()
    .from(items)
    .where(and(eq(items.roundId, roundId), eq(items.answerType, "number")))
    .all();
  const perCity = CLIENTS / CITIES.length;
  const staff = [];
  for (const code of CITIES) {
    const email = `bench-${code}@bench.local`;
    await upsertUser(db, {
      email,
      name: `bench ${code}`,
      password: "bench-password",
      role: "city_staff",
      cityId: getCityByCode(db, code)!.id,
    });
    staff.push(email);
  }
  db.$client.close();

  const server = await startServer(dataDir, PORT, { EVIDENCE_MAX_MB: String(UPLOAD_MB + 50) });
  try {
    const cookies = await Promise.all(staff.map((email) => signIn(BASE, email, "bench-password")));
    const health = () => async () => (await request(`${BASE}/api/health`)).status === 200;
    const makeSaver = (i: number) => {
      const cookie = cookies[Math.floor(i / perCity)]!;
      const item = numberItems[i % perCity]!;
      let revision = 0;
      let n = 0;
      return async () => {
        n++;
        const value = (n % 50) + 1; // a real change each time, within every item's limits
        const res = await request(`${BASE}/api/answers`, {
          method: "PUT",
          headers: { "Content-Type": "application/json", Cookie: cookie },
          body: JSON.stringify({ itemId: item.id, baseRevision: revision, value }),
        });
        if (res.status !== 200) {
          if (process.env.BENCH_DEBUG) console.error(res.status, res.body);
          return false;
        }
        revision = (JSON.parse(res.body) as { revision: number }).revision;
        return true;
      };
    };

    // Each client keeps its revision chain across the warm-up and the measured run.
    const savers = Array.from({ length: CLIENTS }, (_, i) => makeSaver(i));
    const autosave = (i: number) => savers[i]!;

    // Warm both paths (JIT, module loading) before measuring.
    await runLoad(CLIENTS, 2, health);
    await runLoad(CLIENTS, 2, autosave);
    const baseline = await runLoad(CLIENTS, SECONDS, health);
    const saves = await runLoad(CLIENTS, SECONDS, autosave);

    const row = (name: string, r: LoadResult) =>
      `${name.padEnd(28)} ${fmt(r.rps, 0).padStart(8)} ${fmt(r.p50).padStart(8)} ${fmt(r.p95).padStart(8)} ${fmt(r.p99).padStart(8)} ${String(r.errors).padStart(7)}`;
    console.log(
      `\nAutosave vs empty route handler — ${CLIENTS} concurrent clients, ${SECONDS} s each, production server`,
    );
    console.log(
      `${"".padEnd(28)} ${"req/s".padStart(8)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"errors".padStart(7)}`,
    );
    console.log(row("GET /api/health (empty)", baseline));
    console.log(row("PUT /api/answers (autosave)", saves));
    console.log(
      `ratio autosave / empty: ${fmt(saves.rps / baseline.rps, 2)}  (target ≥ 0.50; autosave p95 target < 50 ms)`,
    );

    console.log(`\nStreaming a ${UPLOAD_MB} MB evidence upload`);
    const cookie = cookies[0]!;
    const item = numberItems[0]!;
    const before = treeRssKb(server.pid!);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, treeRssKb(server.pid!))), 25);
    const started = performance.now();
    const status = await new Promise<number>((resolve, reject) => {
      const size = UPLOAD_MB * 1024 * 1024;
      const req = http.request(`${BASE}/api/evidence?itemId=${item.id}`, {
        method: "POST",
        headers: {
          Cookie: cookie,
          "Content-Type": "application/octet-stream",
          "Content-Length": String(size),
          "X-File-Name": encodeURIComponent("大文件.pdf"),
        },
      });
      req.on("response", (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      Buffer.from("%PDF-1.4\n").copy(chunk);
      let sent = 0;
      const write = () => {
        while (sent < size) {
          const piece = sent === 0 ? chunk : chunk.fill(0x20, 0, 9);
          sent += piece.length;
          if (!req.write(piece)) return void req.once("drain", write);
        }
        req.end();
      };
      write();
    });
    clearInterval(sampler);
    const seconds = (performance.now() - started) / 1000;
    console.log(`status ${status} in ${fmt(seconds, 1)} s (${fmt(UPLOAD_MB / seconds, 0)} MB/s)`);
    console.log(
      `server RSS before ${fmt(before / 1024)} MB, peak ${fmt(peak / 1024)} MB, growth ${fmt((peak - before) / 1024)} MB  (target < 50 MB)`,
    );
  } finally {
    server.kill();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Saves per second through the data layer with the given synchronous mode (the server's path minus HTTP). */
async function dataLayerSaves(mode: "FULL" | "NORMAL", saves: number): Promise<{ perSecond: number; meanMs: number }> {
  const dataDir = tempDataDir();
  const db = openDatabase(`${dataDir}/cityeval.db`);
  try {
    runMigrations(db);
    const { roundId } = seedBase(db);
    db.$client.pragma(`synchronous = ${mode}`);
    const cityId = getCityByCode(db, "shanghai")!.id;
    const id = await upsertUser(db, {
      email: "bench-sync@bench.local",
      name: "bench",
      password: "bench-password",
      role: "city_staff",
      cityId,
    });
    const user = {
      id,
      email: "bench-sync@bench.local",
      name: "bench",
      role: "city_staff" as const,
      cityId,
      locale: "zh-CN" as const,
    };
    const itemIds = db
      .select({ id: items.id })
      .from(items)
      .where(and(eq(items.roundId, roundId), eq(items.answerType, "number")))
      .all()
      .slice(0, 20)
      .map((i) => i.id);
    const revisions = new Map<number, number>();
    const save = (n: number) => {
      const itemId = itemIds[n % itemIds.length]!;
      const result = saveAnswer(db, user, {
        itemId,
        baseRevision: revisions.get(itemId) ?? 0,
        value: (n % 50) + 1,
        notApplicableReason: null,
      });
      if (!result.ok) throw new Error(`save refused: ${result.reason}`);
      revisions.set(itemId, result.revision);
    };
    for (let n = 0; n < 200; n++) save(n); // warm-up
    const started = performance.now();
    for (let n = 200; n < 200 + saves; n++) save(n);
    const ms = performance.now() - started;
    return { perSecond: (saves / ms) * 1000, meanMs: ms / saves };
  } finally {
    db.$client.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function durabilityCost() {
  const saves = 2000;
  const normal = await dataLayerSaves("NORMAL", saves);
  const full = await dataLayerSaves("FULL", saves);
  console.log(`\nWhat durability costs — ${saves} saves through the data layer, one connection, WAL`);
  console.log(`synchronous=NORMAL  ${fmt(normal.perSecond, 0).padStart(7)} saves/s  ${fmt(normal.meanMs, 2)} ms each`);
  console.log(
    `synchronous=FULL    ${fmt(full.perSecond, 0).padStart(7)} saves/s  ${fmt(full.meanMs, 2)} ms each  (the server's setting)`,
  );
  console.log(`ratio FULL / NORMAL: ${fmt(full.perSecond / normal.perSecond, 2)}`);
}

void main().then(durabilityCost);
