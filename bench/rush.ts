/**
 * bench/rush — `npm run bench:rush` (after `npx next build`; not part of `npm test`). The last hour before a
 * deadline: RUSH_CLIENTS (200) city staff members at once, for RUSH_SECONDS (60), against the production server
 * on a throwaway copy of the 2019 round. Two members per city (100 cities) share its five modules. Each opens
 * the city's page and the module's questionnaire, fills in every item with a pause of 0.3–1 s as a person
 * typing (autosave), attaches evidence (one file of 1–20 MB per module, links for the rest), reopens the
 * questionnaire now and then, submits the module (the server action the button calls) and goes on with the
 * next; when done, keeps browsing its pages.
 *
 * Prints per kind of request: count, throughput, p50/p95/p99, errors (refused or failed) and 5xx; overall
 * throughput and the server's peak RSS. Targets on a 2-core machine: 0 errors, 0 5xx, autosave p95 < 250 ms.
 * Prints figures only; it asserts nothing.
 */
import fs from "node:fs";
import { getCityByCode } from "@/db/cities";
import { openDatabase } from "@/db/client";
import { loadFrameworkShape } from "@/db/framework";
import { runMigrations } from "@/db/migrate";
import { cities } from "@/db/schema";
import { seedBase } from "@/db/seed";
import { upsertUser } from "@/db/users";
import { answerFor, type DemoAnswer, DemoRandom } from "@/lib/demo/generate";
import { fmt, randomPdf, request, signIn, startServer, tempDataDir, treeRssKb, uploadEvidence } from "./lib";

const PORT = 3230;
const BASE = `http://127.0.0.1:${PORT}`;
const CLIENTS = Number(process.env.RUSH_CLIENTS ?? 200);
const SECONDS = Number(process.env.RUSH_SECONDS ?? 60);
const PASSWORD = "rush-password";
// The pause before each item, in ms: reading it, finding the figure, typing it.
const [PAUSE_MIN, PAUSE_MAX] = (process.env.RUSH_PAUSE_MS ?? "300-1000").split("-").map(Number) as [number, number];

type Kind = "page: city" | "page: questionnaire" | "autosave" | "upload" | "evidence link" | "submit";
const KINDS: Kind[] = ["page: city", "page: questionnaire", "autosave", "upload", "evidence link", "submit"];
const stats = new Map<Kind, { ms: number[]; errors: number; server5xx: number; bytes: number }>(
  KINDS.map((k) => [k, { ms: [], errors: 0, server5xx: 0, bytes: 0 }]),
);
const firstErrors: string[] = [];
let benchStart = performance.now();

async function timed(
  kind: Kind,
  run: () => Promise<{ status: number; body: string }>,
  ok: (r: { status: number; body: string }) => boolean,
  bytes = 0,
) {
  const s = stats.get(kind)!;
  const t0 = performance.now();
  const result = await run().catch((error: unknown) => ({ status: 0, body: String(error) }));
  s.ms.push(performance.now() - t0);
  if (process.env.RUSH_DEBUG && performance.now() - t0 > 5000)
    console.log(
      `slow ${kind} ${(performance.now() - t0).toFixed(0)} ms, started at ${((t0 - benchStart) / 1000).toFixed(1)} s`,
    );
  s.bytes += bytes;
  if (result.status >= 500) s.server5xx++;
  if (!ok(result)) {
    s.errors++;
    if (firstErrors.length < 10)
      firstErrors.push(`${kind}: ${result.status} ${result.body.slice(0, 300).replace(/\s+/g, " ")}`);
  }
  return result;
}

/** The id Next.js gave a server action in this build (what the browser sends in the Next-Action header). */
function actionId(name: string, file: string): string {
  const manifest = JSON.parse(fs.readFileSync(".next/server/server-reference-manifest.json", "utf8")) as {
    node: Record<string, { exportedName?: string; filename?: string }>;
  };
  const found = Object.entries(manifest.node).find(([, v]) => v.exportedName === name && v.filename === file);
  if (!found) throw new Error(`server action ${name} not found in the build`);
  return found[0];
}

const pause = (min: number, max: number) => new Promise((r) => setTimeout(r, min + Math.random() * (max - min)));

async function main() {
  const dataDir = tempDataDir();
  const db = openDatabase(`${dataDir}/cityeval.db`);
  runMigrations(db);
  const { roundId } = seedBase(db);
  const shape = loadFrameworkShape(db, roundId);
  const cityCodes = db
    .select({ code: cities.code })
    .from(cities)
    .orderBy(cities.id)
    .all()
    .map((c) => c.code)
    .slice(0, Math.ceil(CLIENTS / 2));
  for (const code of cityCodes) {
    await upsertUser(db, {
      email: `rush-${code}@bench.local`,
      name: `rush ${code}`,
      password: PASSWORD,
      role: "city_staff",
      cityId: getCityByCode(db, code)!.id,
    });
  }
  db.$client.close();
  const random = new DemoRandom(42);
  const answers = new Map<string, DemoAnswer>(); // per city and item: a valid value
  for (const code of cityCodes) {
    for (const mod of shape) {
      for (const item of mod.indicators.flatMap((i) => i.items))
        answers.set(`${code}:${item.id}`, answerFor({ ...item, moduleCode: mod.code }, 0.55, random));
    }
  }
  const submitAction = actionId("submitModuleAction", "app/actions/questionnaire.ts");
  const linkAction = actionId("addLinkEvidenceAction", "app/actions/questionnaire.ts");

  const server = await startServer(dataDir, PORT, { EVIDENCE_MAX_MB: "25" });
  try {
    console.log(`Signing in ${cityCodes.length} city staff members …`);
    const cookies = new Map<string, string>();
    for (let i = 0; i < cityCodes.length; i += 4) {
      await Promise.all(
        cityCodes
          .slice(i, i + 4)
          .map(async (code) => cookies.set(code, await signIn(BASE, `rush-${code}@bench.local`, PASSWORD))),
      );
    }
    // Warm every page and route once (JIT, module loading), as a server that has been up for a while is.
    const warm = cityCodes[0]!;
    await request(`${BASE}/rounds/${roundId}/cities/${warm}`, { headers: { Cookie: cookies.get(warm)! } });
    await request(`${BASE}/rounds/${roundId}/cities/${warm}/modules/${shape[0]!.code}`, {
      headers: { Cookie: cookies.get(warm)! },
    });

    let peakKb = treeRssKb(server.pid!);
    const sampler = setInterval(() => (peakKb = Math.max(peakKb, treeRssKb(server.pid!))), 500);
    const started = performance.now();
    benchStart = started;
    const end = started + SECONDS * 1000;
    const running = () => performance.now() < end;
    let submitted = 0;

    const client = async (i: number) => {
      const code = cityCodes[i % cityCodes.length]!;
      const cookie = cookies.get(code)!;
      const headers = { Cookie: cookie };
      const cityPage = `${BASE}/rounds/${roundId}/cities/${code}`;
      const html = (r: { status: number }) => r.status === 200;
      // The two members of a city split its modules: the first takes 1, 3, 5, the second 2, 4.
      const mine = shape.filter((_, m) => m % 2 === (i < cityCodes.length ? 0 : 1));
      await pause(0, 3000); // people do not all start in the same millisecond
      for (const mod of mine) {
        if (!running()) return;
        const page = `${cityPage}/modules/${mod.code}`;
        await timed("page: city", () => request(cityPage, { headers }), html);
        await timed("page: questionnaire", () => request(page, { headers }), html);
        let uploaded = false;
        let n = 0;
        for (const item of mod.indicators.flatMap((x) => x.items)) {
          if (!running()) return;
          await pause(PAUSE_MIN, PAUSE_MAX);
          const answer = answers.get(`${code}:${item.id}`)!;
          await timed(
            "autosave",
            () =>
              request(`${BASE}/api/answers`, {
                method: "PUT",
                headers: { ...headers, "Content-Type": "application/json" },
                body: JSON.stringify({
                  itemId: item.id,
                  baseRevision: 0,
                  ...(answer.notApplicableReason
                    ? { value: null, notApplicable: true, notApplicableReason: answer.notApplicableReason }
                    : { value: answer.value }),
                }),
              }),
            (r) => r.status === 200,
          );
          if (item.evidenceRequired && !answer.notApplicableReason) {
            if (!uploaded && process.env.RUSH_NO_UPLOADS !== "1") {
              const size = Math.round((1 + Math.random() * 19) * 1024 * 1024);
              await timed(
                "upload",
                () => uploadEvidence(BASE, cookie, item.id, randomPdf(size), { ownConnection: true }),
                (r) => r.status === 201,
                size,
              );
              uploaded = true;
            } else {
              await timed(
                "evidence link",
                () =>
                  request(page, {
                    method: "POST",
                    headers: {
                      ...headers,
                      "Next-Action": linkAction,
                      "Content-Type": "text/plain;charset=UTF-8",
                      Accept: "text/x-component",
                    },
                    body: JSON.stringify([
                      { itemId: item.id, url: `https://www.example.gov.cn/${code}/${item.code.toLowerCase()}` },
                    ]),
                  }),
                (r) => r.status === 200 && r.body.includes('"ok":true'),
              );
            }
          }
          if (++n % 5 === 0) await timed("page: questionnaire", () => request(page, { headers }), html);
        }
        if (!running()) return;
        await pause(500, 1500);
        const result = await timed(
          "submit",
          () =>
            request(page, {
              method: "POST",
              headers: {
                ...headers,
                "Next-Action": submitAction,
                "Content-Type": "text/plain;charset=UTF-8",
                Accept: "text/x-component",
              },
              body: JSON.stringify([{ roundId, moduleCode: mod.code }]),
            }),
          (r) => r.status === 200 && r.body.includes('"ok":true'),
        );
        if (result.body.includes('"ok":true')) submitted++;
      }
      // Done: looks at the city's page and its modules until the end, as people do after submitting.
      while (running()) {
        await pause(1000, 3000);
        await timed("page: city", () => request(cityPage, { headers }), html);
        await pause(1000, 3000);
        await timed(
          "page: questionnaire",
          () => request(`${cityPage}/modules/${mine[Math.floor(Math.random() * mine.length)]!.code}`, { headers }),
          html,
        );
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i)));
    const elapsed = (performance.now() - started) / 1000;
    clearInterval(sampler);

    const at = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    console.log(
      `\nDeadline rush — ${CLIENTS} clients for ${fmt(elapsed, 0)} s against the production server (${cityCodes.length} cities, 2019 framework)`,
    );
    console.log(
      `${"".padEnd(20)} ${"count".padStart(6)} ${"req/s".padStart(7)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"errors".padStart(7)} ${"5xx".padStart(5)}`,
    );
    let total = 0;
    let errors = 0;
    let fivexx = 0;
    for (const kind of KINDS) {
      const s = stats.get(kind)!;
      const sorted = [...s.ms].sort((a, b) => a - b);
      total += sorted.length;
      errors += s.errors;
      fivexx += s.server5xx;
      console.log(
        `${kind.padEnd(20)} ${String(sorted.length).padStart(6)} ${fmt(sorted.length / elapsed, 1).padStart(7)} ${fmt(at(sorted, 0.5)).padStart(8)} ${fmt(at(sorted, 0.95)).padStart(8)} ${fmt(at(sorted, 0.99)).padStart(8)} ${String(s.errors).padStart(7)} ${String(s.server5xx).padStart(5)}`,
      );
    }
    const upload = stats.get("upload")!;
    console.log(
      `all                  ${String(total).padStart(6)} ${fmt(total / elapsed, 1).padStart(7)}   errors ${errors}, 5xx ${fivexx}`,
    );
    console.log(
      `modules submitted: ${submitted}; evidence uploaded: ${fmt(upload.bytes / 1024 / 1024, 0)} MB (${fmt(upload.bytes / 1024 / 1024 / elapsed, 1)} MB/s)`,
    );
    console.log(`server peak RSS: ${fmt(peakKb / 1024, 0)} MB`);
    console.log(`targets: 0 errors, 0 5xx, autosave p95 < 250 ms`);
    for (const e of firstErrors) console.log(`  first errors: ${e}`);
  } finally {
    server.kill();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
