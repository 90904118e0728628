/**
 * bench/finalise — `npm run bench:finalise` (after `npx next build`).
 * 1. Finalising the 108-city round (every module verified through the workflow): seconds.
 *    Target < 1 s.
 * 2. Finalising a synthetic 3,000-city round: seconds and peak RSS of this process. Targets < 15 s, < 1 GB.
 * 3. Server time of the report page of the 108-city round on a production server: p50/p95 of sequential
 *    requests. Target p95 < 150 ms.
 * Prints figures only; it asserts nothing.
 */
import fs from "node:fs";
import { openDatabase } from "@/db/client";
import { seedDemoRound } from "@/db/demo-round";
import { finaliseRound } from "@/db/finalise";
import { DEMO_PASSWORD, migrateAndSeed } from "@/db/seed";
import { seedSyntheticVerifiedRound } from "@/db/synthetic";
import { getSessionUserByEmail } from "@/db/users";
import { fmt, request, signIn, startServer, tempDataDir } from "./lib";

const PORT = 3220;

function timed<T>(run: () => T): [T, number] {
  const start = performance.now();
  const result = run();
  return [result, (performance.now() - start) / 1000];
}

async function main() {
  const dataDir = tempDataDir();
  const db = openDatabase(`${dataDir}/cityeval.db`);
  console.log("preparing: demo data and a 108-city round verified through the workflow …");
  await migrateAndSeed(db);
  const admin = getSessionUserByEmail(db, "admin@cityeval.demo")!;
  const round108 = seedDemoRound(db, { finalise: false, name: "bench 108" });
  const [r108, s108] = timed(() => finaliseRound(db, admin, round108));
  console.log(`\nfinalise 108 cities × 58 items: ${fmt(s108, 3)} s (${r108.ok ? "ok" : r108.reason})  target < 1 s`);

  console.log("preparing: a synthetic 3,000-city round …");
  const round3000 = seedSyntheticVerifiedRound(db, 3000, "bench 3000");
  const rssBefore = process.memoryUsage().rss;
  const [r3000, s3000] = timed(() => finaliseRound(db, admin, round3000));
  const peakMb = process.resourceUsage().maxRSS / 1024;
  console.log(
    `finalise 3,000 cities × 58 items: ${fmt(s3000, 2)} s (${r3000.ok ? `ok, ${r3000.cities} cities` : r3000.reason}), peak RSS ${fmt(peakMb, 0)} MB (before ${fmt(rssBefore / 1024 / 1024, 0)} MB)  targets < 15 s, < 1 GB`,
  );
  db.$client.close();

  const server = await startServer(dataDir, PORT);
  try {
    const base = `http://127.0.0.1:${PORT}`;
    const cookie = await signIn(base, "admin@cityeval.demo", DEMO_PASSWORD);
    const times: number[] = [];
    for (let i = 0; i < 60; i++) {
      const t0 = performance.now();
      const res = await request(`${base}/rounds/${round108}/report`, { headers: { Cookie: cookie } });
      if (res.status !== 200) throw new Error(`report answered ${res.status}`);
      if (i >= 10) times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.floor(q * (times.length - 1))]!;
    console.log(
      `report page, 108 cities (50 sequential requests after 10 warm-up): p50 ${fmt(at(0.5))} ms, p95 ${fmt(at(0.95))} ms  target p95 < 150 ms`,
    );
  } finally {
    server.kill();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
