/**
 * /api/v1 end to end through its route handlers, with real tokens against a test database: authentication,
 * scope, rate limit, the error body, and what each endpoint reads and writes. Who may call which endpoint at all
 * is the authorization matrix's (app/authorization-matrix.test.ts).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createApiToken, revokeApiToken } from "@/db/api-tokens";
import type { Db } from "@/db/client";
import { assignItems } from "@/db/departments";
import { apiTokens, auditLog, rounds } from "@/db/schema";
import { createModuleBRound, createTestDb } from "@/db/test-db";
import { upsertUser } from "@/db/users";
import { openApiDocument } from "@/lib/api/openapi";

const state = vi.hoisted(() => ({ db: undefined as Db | undefined }));
vi.mock("@/db/client", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/db/client")>()),
  getDb: () => state.db!,
}));

const { GET: me } = await import("./me/route");
const { GET: framework } = await import("./rounds/[roundId]/framework/route");
const { GET: answers } = await import("./rounds/[roundId]/answers/route");
const { PUT: answer } = await import("./rounds/[roundId]/answers/[itemCode]/route");
const { POST: evidence } = await import("./rounds/[roundId]/evidence/[itemCode]/route");
const { GET: status } = await import("./rounds/[roundId]/status/route");
const { GET: results } = await import("./rounds/[roundId]/results/route");
const { GET: unknownGet, POST: unknownPost } = await import("./[...path]/route");

type Handler<P> = (request: NextRequest, context: { params: Promise<P> }) => Promise<Response>;
async function call<P extends Record<string, string | string[]>>(
  handler: Handler<P>,
  params: P,
  init: { token?: string; method?: string; body?: BodyInit; headers?: Record<string, string> } = {},
) {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("authorization", `Bearer ${init.token}`);
  const response = await handler(
    new NextRequest("http://cityeval.test/api/v1/x", { method: init.method ?? "GET", body: init.body, headers }),
    { params: Promise.resolve(params) },
  );
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

let dataDir: string;
let round: Awaited<ReturnType<typeof createModuleBRound>>;
let lead: string;
let leadReadOnly: string;
let other: string;
let admin: string;
let department: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cityeval-api-"));
  vi.stubEnv("DATA_DIR", dataDir);
  state.db = createTestDb();
  round = await createModuleBRound(state.db, "api");
  const token = (user: { id: number; role: string }, scope: "read" | "write") => {
    const made = createApiToken(state.db!, user as never, { name: "test", scope, expiresInDays: 30 });
    if (!made.ok) throw new Error(made.reason);
    return made.token;
  };
  lead = token(round.staff, "write");
  leadReadOnly = token(round.staff, "read");
  other = token(round.other, "write");
  admin = token(round.admin, "read");
  const deptId = await upsertUser(state.db, {
    email: "dept@api.test",
    name: "dept",
    password: "pw",
    role: "department_staff",
    cityId: round.staff.cityId,
    department: "统计局",
  });
  assignItems(state.db, round.staff, { roundId: round.roundId, itemIds: [round.itemId("B1.1")], userId: deptId });
  department = token({ id: deptId, role: "department_staff" }, "write");
});
afterAll(() => {
  vi.unstubAllEnvs();
  fs.rmSync(dataDir, { recursive: true, force: true });
});
beforeEach(() => vi.stubEnv("API_RATE_LIMIT_PER_MINUTE", "1000"));

const roundId = () => String(round.roundId);

describe("/api/v1 tokens", () => {
  it("keeps only the token's hash, and refuses an unknown, revoked or expired token with a translated 401", async () => {
    const stored = state.db!.select().from(apiTokens).all();
    expect(stored.some((t) => t.tokenHash === lead || t.tokenHash.includes(lead.slice(3)))).toBe(false);
    expect(stored.every((t) => /^[0-9a-f]{64}$/.test(t.tokenHash))).toBe(true);

    expect((await call(me, {}, { token: lead })).body).toMatchObject({
      role: "city_staff",
      city: { code: "hangzhou" },
    });
    expect(await call(me, {})).toMatchObject({ status: 401, body: { code: "tokenInvalid" } });
    const en = await call(me, {}, { token: "ce_nope", headers: { "accept-language": "en-GB,en;q=0.9" } });
    expect(en.body).toEqual({
      code: "tokenInvalid",
      message: "The access token is invalid, expired or revoked. Create a new one under Account → Access tokens.",
    });
    const zh = await call(me, {}, { token: "ce_nope" });
    expect(zh.body.message).toContain("访问令牌无效");

    const spare = createApiToken(state.db!, round.staff, { name: "spare", scope: "read", expiresInDays: 1 });
    if (!spare.ok) throw new Error("spare");
    expect((await call(me, {}, { token: spare.token })).status).toBe(200);
    expect(revokeApiToken(state.db!, round.other, spare.id)).toEqual({ ok: false, reason: "notFound" });
    expect(revokeApiToken(state.db!, round.staff, spare.id)).toEqual({ ok: true });
    expect((await call(me, {}, { token: spare.token })).status).toBe(401);
    const audit = state.db!.select().from(auditLog).where(eq(auditLog.action, "api_token.revoked")).all();
    expect(audit.at(-1)).toMatchObject({ actorId: round.staff.id, entityId: String(spare.id) });

    const soon = createApiToken(state.db!, round.staff, { name: "soon", scope: "read", expiresInDays: 1 });
    if (!soon.ok) throw new Error("soon");
    state
      .db!.update(apiTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(apiTokens.id, soon.id))
      .run();
    expect((await call(me, {}, { token: soon.token })).status).toBe(401);
    // Nobody creates a token for someone else but an admin.
    expect(
      createApiToken(state.db!, round.other, { userId: round.staff.id, name: "x", scope: "write", expiresInDays: 1 }),
    ).toEqual({
      ok: false,
      reason: "roleNotAllowed",
    });
  });

  it("limits requests per token, saying when to try again", async () => {
    vi.stubEnv("API_RATE_LIMIT_PER_MINUTE", "3");
    const fresh = createApiToken(state.db!, round.staff, { name: "busy", scope: "read", expiresInDays: 1 });
    if (!fresh.ok) throw new Error("busy");
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 4; i++) {
      last = await call(me, {}, { token: fresh.token });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last!.body.code).toBe("rateLimited");
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(last!.headers.get("x-ratelimit-remaining")).toBe("0");
    // Another token is not held back by this one.
    expect((await call(me, {}, { token: lead })).status).toBe(200);
  });
});

describe("/api/v1 city data", () => {
  it("reads the round's framework, and refuses a round the city does not take part in", async () => {
    const read = await call(framework, { roundId: roundId() }, { token: lead });
    expect(read.status).toBe(200);
    const b = read.body.modules.find((m: { code: string }) => m.code === "B");
    expect(b.indicators[0].items[0]).toMatchObject({ code: "B1.1", answerType: "number", required: true });
    const outsider = await upsertUser(state.db!, {
      email: "sh@api.test",
      name: "sh",
      password: "pw",
      role: "city_staff",
      cityId: 1,
    });
    const sh = createApiToken(state.db!, { id: outsider, role: "city_staff" } as never, {
      name: "sh",
      scope: "read",
      expiresInDays: 1,
    });
    if (!sh.ok) throw new Error("sh");
    expect((await call(framework, { roundId: roundId() }, { token: sh.token })).status).toBe(404);
    expect((await call(framework, { roundId: "abc" }, { token: lead })).status).toBe(404);
  });

  it("writes an answer as the questionnaire does: validated, revision-checked, audited, for the token's city only", async () => {
    const path = { roundId: roundId(), itemCode: "B1.2" };
    const put = (token: string, body: unknown) =>
      call(answer, path, {
        token,
        method: "PUT",
        body: JSON.stringify(body),
        headers: { "content-type": "application/json" },
      });
    // Out of the item's range: a 400 naming the field, translated.
    const bad = await put(lead, { baseRevision: 0, value: 1e9 });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.fieldErrors)).toEqual(["value"]);
    expect(bad.body.fieldErrors.value[0]).toMatch(/[\u4e00-\u9fa5]/);
    expect(await put(leadReadOnly, { baseRevision: 0, value: 88 })).toMatchObject({
      status: 403,
      body: { code: "tokenReadOnly" },
    });
    const saved = await put(lead, { baseRevision: 0, value: 88 });
    expect(saved).toMatchObject({ status: 200, body: { itemCode: "B1.2", revision: 1 } });
    const stale = await put(lead, { baseRevision: 0, value: 90 });
    expect(stale).toMatchObject({ status: 409, body: { code: "staleRevision", current: { value: 88, revision: 1 } } });
    // Ningbo's token writes Ningbo's answer, never Hangzhou's.
    expect((await put(other, { baseRevision: 0, value: 70 })).status).toBe(200);
    const hz = await call(answers, { roundId: roundId() }, { token: lead });
    expect(hz.body.answers.find((a: { itemCode: string }) => a.itemCode === "B1.2")).toMatchObject({ value: 88 });
    const audit = state.db!.select().from(auditLog).where(eq(auditLog.action, "answer.saved")).all();
    expect(audit.filter((a) => a.actorId === round.staff.id).length).toBeGreaterThan(0);
    // A department user writes their own item, not another.
    const mine = await call(
      answer,
      { roundId: roundId(), itemCode: "B1.1" },
      {
        token: department,
        method: "PUT",
        body: JSON.stringify({ baseRevision: 0, value: 12 }),
        headers: { "content-type": "application/json" },
      },
    );
    expect(mine.status).toBe(200);
    expect((await put(department, { baseRevision: 1, value: 1 })).body.code).toBe("notYourItem");
    const theirs = await call(answers, { roundId: roundId() }, { token: department });
    expect(theirs.body.answers.map((a: { itemCode: string }) => a.itemCode)).toEqual(["B1.1"]);
    expect(
      (
        await call(
          answer,
          { roundId: roundId(), itemCode: "Z9.9" },
          { token: lead, method: "PUT", body: "{}", headers: { "content-type": "application/json" } },
        )
      ).status,
    ).toBe(404);
  });

  it("adds a file and a link as evidence, and reports the city's status per module", async () => {
    const pdf = Buffer.from("%PDF-1.4\n% api\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n");
    const file = await call(
      evidence,
      { roundId: roundId(), itemCode: "B1.2" },
      {
        token: lead,
        method: "POST",
        body: pdf,
        headers: { "x-file-name": encodeURIComponent("统计公报.pdf"), "content-type": "application/pdf" },
      },
    );
    expect(file).toMatchObject({ status: 201, body: { kind: "file", originalName: "统计公报.pdf", size: pdf.length } });
    expect(file.body.sha256).toMatch(/^[0-9a-f]{64}$/);
    const link = await call(
      evidence,
      { roundId: roundId(), itemCode: "B1.2" },
      {
        token: lead,
        method: "POST",
        body: JSON.stringify({ url: "javascript:alert(1)" }),
        headers: { "content-type": "application/json" },
      },
    );
    expect(link.status).toBe(400);
    expect(Object.keys(link.body.fieldErrors)).toEqual(["url"]);
    const st = await call(status, { roundId: roundId() }, { token: lead });
    expect(st.body.modules.find((m: { moduleCode: string }) => m.moduleCode === "B")).toMatchObject({
      status: "draft",
      answered: 2,
    });
  });

  it("gives admins a finalised round's results only", async () => {
    expect(await call(results, { roundId: roundId() }, { token: admin })).toMatchObject({
      status: 409,
      body: { code: "roundNotFinalised" },
    });
    round.closeAndFinalise();
    const read = await call(results, { roundId: roundId() }, { token: admin });
    expect(read.status).toBe(200);
    expect(read.body.cities).toHaveLength(2);
    expect(read.body.digest).toBe(state.db!.select().from(rounds).where(eq(rounds.id, round.roundId)).get()!.digest);
  });
});

describe("/api/v1 accountability", () => {
  it("marks audit rows written through a token with it, and holds tokens while a reset password awaits its change", async () => {
    const { requestContextStore } = await import("@/lib/server/request-context");
    const db = state.db!;
    const open = await createModuleBRound(db, "api accountability");
    const made = createApiToken(db, open.staff, { name: "audit", scope: "write", expiresInDays: 1 });
    if (!made.ok) throw new Error("audit");
    const saved = await requestContextStore().run({ requestId: "TEST" }, () =>
      call(
        answer,
        { roundId: String(open.roundId), itemCode: "B2.2" },
        {
          token: made.token,
          method: "PUT",
          body: JSON.stringify({ baseRevision: 0, value: 80 }),
          headers: { "content-type": "application/json" },
        },
      ),
    );
    expect(saved.status).toBe(200);
    const row = db.select().from(auditLog).where(eq(auditLog.action, "answer.saved")).all().at(-1)!;
    expect(row.after).toMatchObject({ viaApiToken: made.id });
    // An admin hands out reading tokens only: writes are the user's own.
    expect(
      createApiToken(db, round.admin, { userId: open.staff.id, name: "x", scope: "write", expiresInDays: 1 }),
    ).toEqual({ ok: false, reason: "roleNotAllowed" });
    expect(
      createApiToken(db, round.admin, { userId: open.staff.id, name: "x", scope: "read", expiresInDays: 1 }).ok,
    ).toBe(true);
    db.$client.prepare("update users set must_change_password = 1 where id = ?").run(open.staff.id);
    expect((await call(me, {}, { token: made.token })).status).toBe(401);
    db.$client.prepare("update users set must_change_password = 0 where id = ?").run(open.staff.id);
  });
});

describe("an address that is not the API's", () => {
  it("answers 404 with the API's error body in the caller's language, token or not", async () => {
    expect(await call(unknownGet, { path: ["roundz"] })).toMatchObject({
      status: 404,
      body: { code: "notFound", message: "未找到该内容，或您无权访问。" },
    });
    expect(
      await call(
        unknownPost,
        { path: ["rounds", "1", "nothing"] },
        { method: "POST", headers: { "accept-language": "en" } },
      ),
    ).toMatchObject({
      status: 404,
      body: { code: "notFound", message: "Not found, or you may not see it." },
    });
    expect((await call(unknownGet, { path: ["me", "x"] }, { token: lead })).status).toBe(404);
  });
});

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1 and describes exactly the route handlers under app/api/v1", () => {
    const doc = openApiDocument();
    expect(doc.openapi).toBe("3.1.0");
    const documented = Object.entries(doc.paths ?? {})
      .flatMap(([p, ops]) => Object.keys(ops ?? {}).map((m) => `${m.toUpperCase()} ${p}`))
      .sort();
    const dir = path.join(process.cwd(), "app/api/v1");
    const handlers = (fs.readdirSync(dir, { recursive: true }) as string[])
      .filter((f) => f.endsWith("route.ts"))
      .flatMap((f) => {
        const source = fs.readFileSync(path.join(dir, f), "utf8");
        const route = `/${path.dirname(f)}`.replace(/\[(\w+)\]/g, "{$1}");
        return [...source.matchAll(/export const (GET|PUT|POST|DELETE|PATCH)\b/g)].map((m) => `${m[1]} ${route}`);
      })
      // the reference itself, and the catch-all 404 of addresses that are not the API's
      .filter((r) => !r.endsWith("/openapi.json") && !r.endsWith("/docs") && !r.includes("[..."))
      .sort();
    expect(documented).toEqual(handlers);
    // Components are generated from the zod schemas, errors included.
    expect(Object.keys(doc.components?.schemas ?? {})).toEqual(
      expect.arrayContaining(["Error", "Answer", "Framework"]),
    );
  });
});
