/**
 * Property-based: random and hostile payloads thrown at the autosave and evidence endpoints never get a 5xx,
 * and a refused request writes nothing (a SHA-256 of every table, and the evidence directory, stay the same).
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "@/db/client";

const state = vi.hoisted(() => ({ db: undefined as Db | undefined, callerId: 0 }));

vi.mock("@/db/client", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/db/client")>()),
  getDb: () => state.db!,
}));
vi.mock("@/lib/auth/session", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth/session")>()),
  currentUser: async () => (await import("@/db/users")).getActiveSessionUser(state.db!, state.callerId),
}));
vi.mock("next-intl/server", () => {
  const t = Object.assign((key: string) => key, { has: () => true });
  return { getTranslations: async () => t, getLocale: async () => "zh-CN" };
});

const { PUT } = await import("@/app/api/answers/route");
const { POST } = await import("@/app/api/evidence/route");
const { createModuleBRound, createTestDb } = await import("@/db/test-db");
const { dataDir } = await import("@/lib/config/paths");

let round: Awaited<ReturnType<typeof createModuleBRound>>;
beforeAll(async () => {
  state.db = createTestDb();
  round = await createModuleBRound(state.db, "hostile input");
  state.callerId = round.staff.id;
});

/** Every table's rows and every file under the evidence directory, hashed. */
function fingerprint(): string {
  const hash = createHash("sha256");
  const tables = state
    .db!.$client.prepare("select name from sqlite_master where type = 'table' order by name")
    .all() as { name: string }[];
  for (const { name } of tables)
    hash.update(name).update(JSON.stringify(state.db!.$client.prepare(`select * from "${name}" order by rowid`).all()));
  const evidenceDir = path.join(dataDir(), "evidence");
  const files = fs.existsSync(evidenceDir) ? (fs.readdirSync(evidenceDir, { recursive: true }) as string[]).sort() : [];
  for (const file of files)
    if (fs.statSync(path.join(evidenceDir, file)).isFile())
      hash.update(file).update(fs.readFileSync(path.join(evidenceDir, file)));
  return hash.digest("hex");
}

const ERROR_KEYS = Object.keys(
  (JSON.parse(fs.readFileSync("messages/zh-CN.json", "utf8")) as { errors: Record<string, string> }).errors,
);

const context = { params: Promise.resolve({}) };
const put = (body: BodyInit) =>
  PUT(
    new NextRequest("http://test/api/answers", {
      method: "PUT",
      body,
      headers: { "content-type": "application/json" },
    }),
    context,
  );

/** Text as hostile as UTF-16 gets: lone surrogates, controls, bidi overrides, huge and odd numbers. */
const hostileText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("abc\ud800def", "\udc00", "\u202Eexe.pdf", "1,5", "1e-7", "NaN", "-0", "１２", ""),
);
const hostileValue = fc.oneof(
  hostileText,
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(hostileText, fc.constant(null), fc.array(hostileText)), { maxLength: 4 }),
  fc.object({ maxDepth: 2 }),
);

describe("hostile input", () => {
  it("autosave answers every random body with a 2xx or a 4xx, and a refused one changes nothing", async () => {
    const items = Object.keys((await import("@/db/test-db")).MODULE_B_VALUES).map((code) => round.itemId(code));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          // well-shaped requests with hostile contents, for real items of the city
          fc
            .record({
              itemId: fc.constantFrom(...items),
              baseRevision: fc.nat(3),
              value: hostileValue,
              notApplicable: fc.boolean(),
              notApplicableReason: hostileText,
            })
            .map((b) => JSON.stringify(b)),
          // anything at all as JSON
          fc.jsonValue().map((v) => JSON.stringify(v)),
          // not even JSON
          fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString("latin1")),
        ),
        async (body) => {
          const before = fingerprint();
          const response = await put(body);
          expect(response.status, body).toBeLessThan(500);
          if (response.status >= 400) expect(fingerprint(), body).toBe(before);
          if (response.status === 400) {
            // Every message is one of ours, translated: never zod's English text.
            const refusal = (await response.json()) as { error: string; fieldErrors?: Record<string, string[]> };
            for (const key of [refusal.error, ...Object.values(refusal.fieldErrors ?? {}).flat()])
              expect(ERROR_KEYS, body).toContain(key);
          }
        },
      ),
      { numRuns: 300, seed: 20261128 },
    );
  });

  it("autosave answers a value nested 30,000 levels deep (60 KB) with a 400, not a 500", async () => {
    const itemId = round.itemId("B1.1");
    for (const inner of ["", '"\\ud800"', '"x"']) {
      const before = fingerprint();
      const response = await put(
        `{"itemId":${itemId},"baseRevision":0,"value":${"[".repeat(30_000)}${inner}${"]".repeat(30_000)}}`,
      );
      expect(response.status).toBe(400);
      expect(fingerprint()).toBe(before);
    }
  });

  it("evidence upload answers random names and bytes with a 2xx or a 4xx, and a refused one leaves no row and no file", async () => {
    const itemId = round.itemId("B1.1");
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(hostileText, fc.constantFrom("%ED%A0%80.pdf", "%E2%80%AE.pdf", "../../x.pdf")),
        fc.uint8Array({ maxLength: 300 }),
        fc.boolean(),
        async (name, bytes, pdf) => {
          const body = pdf ? Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.from(bytes)]) : Buffer.from(bytes);
          const before = fingerprint();
          let header: string;
          try {
            header = /%[0-9A-F]{2}/.test(name) ? name : encodeURIComponent(name);
          } catch {
            header = name.replace(/[^\x20-\x7e]/g, "?"); // a lone surrogate cannot be URI-encoded: send it raw-ish
          }
          const request = new NextRequest(`http://test/api/evidence?itemId=${itemId}`, {
            method: "POST",
            body,
            headers: { "x-file-name": header, "content-type": "application/octet-stream" },
          });
          const response = await POST(request, context);
          expect(response.status, name).toBeLessThan(500);
          if (response.status >= 400) expect(fingerprint(), name).toBe(before);
        },
      ),
      { numRuns: 150, seed: 20261128 },
    );
  });
});
