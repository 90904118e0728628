import { NextRequest } from "next/server";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { SessionUser } from "@/lib/domain";

let signedIn: SessionUser | null = null;
vi.mock("@/lib/auth/session", () => ({ currentUser: async () => signedIn }));
vi.mock("next-intl/server", () => {
  const t = Object.assign(
    (key: string, values?: Record<string, unknown>) => (values?.reference ? `${key} ${String(values.reference)}` : key),
    { has: () => true },
  );
  return { getTranslations: async () => t };
});
const {
  ActionError,
  defineAction,
  defineRoute,
  isAllowedOrigin,
  JSON_MAX_BYTES,
  parseJsonBody,
  readLimitedBody,
  toErrorKey,
} = await import("./action");
const { requestContextStore } = await import("@/lib/server/request-context");

describe("defineAction", () => {
  const staff: SessionUser = { id: 7, email: "s@test", name: "s", role: "city_staff", cityId: 1, locale: "zh-CN" };
  const echo = defineAction(z.object({ n: z.number() }), { roles: ["city_staff"] }, ({ n }) => n * 2);
  const changePassword = defineAction(
    z.object({}),
    { roles: ["city_staff"], temporaryPassword: true },
    () => "changed",
  );

  it("parses, authenticates and authorizes before it runs", async () => {
    signedIn = null;
    expect(await echo({ n: 2 })).toEqual({ ok: false, formError: "unauthenticated" });
    signedIn = { ...staff, role: "reviewer" };
    expect(await echo({ n: 2 })).toEqual({ ok: false, formError: "forbidden" });
    signedIn = staff;
    expect(await echo({ n: "2" as unknown as number })).toMatchObject({
      ok: false,
      fieldErrors: { n: [expect.any(String)] },
    });
    expect(await echo({ n: 2 })).toEqual({ ok: true, data: 4 });
  });

  it("refuses text with a lone surrogate before anything runs", async () => {
    signedIn = staff;
    const named = defineAction(z.object({ name: z.string() }), { roles: ["city_staff"] }, ({ name }) => name);
    expect(await named({ name: "ok\ud800" })).toEqual({
      ok: false,
      formError: "textNotWellFormed",
      fieldErrors: { name: ["textNotWellFormed"] },
    });
    expect(await named({ name: "杭州" })).toEqual({ ok: true, data: "杭州" });
  });

  it("answers a database held locked by another process with a translated 'busy', never a crash", async () => {
    signedIn = staff;
    const locked = defineAction(z.object({}), { roles: ["city_staff"] }, () => {
      throw Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" });
    });
    expect(await locked({})).toEqual({ ok: false, formError: "databaseBusy" });
  });

  it("answers a bug with the request's id as 错误编号 (logged with its stack), and names an expected refusal in the request's log context", async () => {
    signedIn = staff;
    const broken = defineAction(z.object({}), { roles: ["city_staff"] }, () => {
      throw new TypeError("a bug");
    });
    const refusing = defineAction(z.object({}), { roles: ["city_staff"] }, () => {
      throw new ActionError("roundNotOpen", 409);
    });
    const context = { requestId: "7H3K9QW2XA" } as { requestId: string; refusal?: string };
    expect(await requestContextStore().run(context, () => broken({}))).toEqual({
      ok: false,
      formError: "unexpected#7H3K9QW2XA",
    });
    expect(context.refusal).toBeUndefined();
    expect(await requestContextStore().run(context, () => refusing({}))).toMatchObject({
      ok: false,
      formError: "roundNotOpen",
    });
    expect(context.refusal).toBe("roundNotOpen");
    expect(await broken({})).toEqual({ ok: false, formError: "unexpected" }); // outside a request: no id to give
  });

  it("a route handler's bug is a 500 whose message and body carry the reference", async () => {
    signedIn = staff;
    const route = defineRoute({ roles: ["city_staff"] }, async () => {
      throw new TypeError("a bug");
    });
    const response = await requestContextStore().run({ requestId: "7H3K9QW2XA" }, () =>
      route(new NextRequest("http://test/api/x"), { params: Promise.resolve({}) }),
    );
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: "unexpected",
      reference: "7H3K9QW2XA",
      message: "unexpectedWithReference 7H3K9QW2XA",
    });
  });

  it("lets a user with a temporary password do nothing but change it", async () => {
    signedIn = { ...staff, mustChangePassword: true };
    expect(await echo({ n: 2 })).toEqual({ ok: false, formError: "passwordChangeRequired" });
    expect(await changePassword({})).toEqual({ ok: true, data: "changed" });
  });
});

/** A request whose body arrives in chunks and declares no length, as a chunked upload does. */
function streamed(chunks: number[]): Request {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const size of chunks) controller.enqueue(new Uint8Array(size).fill(65));
      controller.close();
    },
  });
  return new Request("http://test/upload", { method: "POST", body, duplex: "half" } as RequestInit);
}

describe("readLimitedBody", () => {
  it("reads a body within the limit", async () => {
    expect((await readLimitedBody(streamed([1000, 24]), 1)).byteLength).toBe(1024);
  });

  it("refuses a body over the limit even without a Content-Length, and an empty one", async () => {
    await expect(readLimitedBody(streamed([700_000, 700_000]), 1)).rejects.toEqual(
      new ActionError("fileTooLarge", 413, { max: 1 }),
    );
    const declared = new Request("http://test/upload", {
      method: "POST",
      body: "x",
      headers: { "content-length": String(5 * 1024 * 1024) },
    });
    await expect(readLimitedBody(declared, 1)).rejects.toMatchObject({ key: "fileTooLarge", status: 413 });
    await expect(readLimitedBody(streamed([]), 1)).rejects.toMatchObject({ key: "fileEmpty", status: 400 });
  });
});

describe("parseJsonBody", () => {
  const schema = z.object({ itemId: z.number() });

  it("refuses a 100 MB JSON body with 413 after reading no more than the limit and one chunk", async () => {
    let pulled = 0;
    const chunk = new TextEncoder().encode(`{"itemId":1,"pad":"${"x".repeat(16 * 1024)}`);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 100 * 1024 * 1024) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const request = new Request("http://test/api/answers", { method: "PUT", body, duplex: "half" } as RequestInit);
    await expect(parseJsonBody(request, schema)).rejects.toEqual(new ActionError("bodyTooLarge", 413, { max: 64 }));
    expect(pulled).toBeLessThanOrEqual(JSON_MAX_BYTES + 2 * chunk.byteLength);
    const declared = new Request("http://test/api/answers", {
      method: "PUT",
      body: "{}",
      headers: { "content-length": String(JSON_MAX_BYTES + 1) },
    });
    await expect(parseJsonBody(declared, schema)).rejects.toMatchObject({ key: "bodyTooLarge", status: 413 });
  });

  it("refuses a body that is not a JSON object, and text with a lone surrogate, with translated keys", async () => {
    const put = (body: string) => new Request("http://test/api/answers", { method: "PUT", body });
    for (const body of ["null", "[1]", "3", '"x"'])
      await expect(parseJsonBody(put(body), schema)).rejects.toMatchObject({ key: "bodyNotObject", status: 400 });
    const reason = z.object({ itemId: z.number(), notApplicableReason: z.string() });
    await expect(
      parseJsonBody(put('{"itemId":1,"notApplicableReason":"abc\\ud800def"}'), reason),
    ).rejects.toMatchObject({
      key: "textNotWellFormed",
      status: 400,
      details: { fieldErrors: { notApplicableReason: ["textNotWellFormed"] } },
    });
    await expect(parseJsonBody(put('{"itemId":1,"value":["\\udc00"]}'), schema)).rejects.toMatchObject({
      key: "textNotWellFormed",
      details: { fieldErrors: { "value.0": ["textNotWellFormed"] } },
    });
  });

  it("walks 30,000 nested arrays (60 KB) without overflowing the stack, and finds a lone surrogate at the bottom", async () => {
    const put = (body: string) => new Request("http://test/api/answers", { method: "PUT", body });
    const depth = 30_000;
    expect(await parseJsonBody(put(`{"itemId":1,"value":${"[".repeat(depth)}${"]".repeat(depth)}}`), schema)).toEqual({
      itemId: 1,
    });
    const bottom = await parseJsonBody(
      put(`{"itemId":1,"value":${"[".repeat(depth)}"\\ud800"${"]".repeat(depth)}}`),
      schema,
    ).catch((e: unknown) => e);
    expect(bottom).toMatchObject({ key: "textNotWellFormed", status: 400 });
    expect(Object.keys((bottom as InstanceType<typeof ActionError>).details!.fieldErrors as object)[0]).toBe(
      `value${".0".repeat(depth)}`,
    );
  });

  it("parses a body within the limit, and refuses broken JSON or UTF-8 with 400", async () => {
    const put = (body: BodyInit) => new Request("http://test/api/answers", { method: "PUT", body });
    expect(await parseJsonBody(put('{"itemId":3}'), schema)).toEqual({ itemId: 3 });
    await expect(parseJsonBody(put("{"), schema)).rejects.toMatchObject({ key: "invalidInput", status: 400 });
    await expect(parseJsonBody(put(new Uint8Array([0x7b, 0xff, 0x7d])), schema)).rejects.toMatchObject({
      key: "invalidInput",
      status: 400,
    });
    await expect(parseJsonBody(put('{"itemId":"3"}'), schema)).rejects.toMatchObject({ status: 400 });
  });
});

describe("the origin check of route handlers", () => {
  const own = ["cityeval.example.gov.cn"];
  it("refuses a state-changing request from a foreign origin, and only that", () => {
    expect(isAllowedOrigin("POST", "https://evil.example", own)).toBe(false);
    expect(isAllowedOrigin("put", "null", own)).toBe(false);
    expect(isAllowedOrigin("DELETE", "https://cityeval.example.gov.cn", own)).toBe(true);
    expect(isAllowedOrigin("POST", "http://cityeval.example.gov.cn", own)).toBe(true);
    expect(isAllowedOrigin("POST", "https://cityeval.example.gov.cn.evil.example", own)).toBe(false);
    expect(isAllowedOrigin("POST", null, own)).toBe(true);
    expect(isAllowedOrigin("GET", "https://evil.example", own)).toBe(true);
  });
});

describe("error keys", () => {
  it("a schema's message is kept when it is a translated key, and becomes the generic field error otherwise", () => {
    expect(toErrorKey("outOfRange")).toBe("outOfRange");
    expect(toErrorKey("Invalid input: expected number, received string")).toBe("invalidField");
    expect(toErrorKey(undefined)).toBe("invalidField");
    // @ts-expect-error a refusal without a translation does not compile
    void new ActionError("noSuchMessage");
  });
});
