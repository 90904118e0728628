import { spawnSync } from "node:child_process";
import type { BrowserContext } from "@playwright/test";
import contentDisposition from "content-disposition";
import { eq } from "drizzle-orm";
import { sessions } from "@/db/schema";
import { resetPassword } from "@/db/users";
import { E2E_DATA_DIR } from "./env";
import { createTestRound, createUser, expect, itemIdOf, reload, test, testDb, visit } from "./fixtures";
import { zh } from "./messages";
import { changePassword } from "./pages/password";
import { expectSaved, item, PDF } from "./pages/questionnaire";

const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
  "hex",
);

test("every page and API answer carries the security headers, and pages run only scripts with their nonce", async ({
  page,
  request,
}) => {
  const first = await request.get("/signin");
  const second = await request.get("/signin");
  const policy = first.headers()["content-security-policy"]!;
  const scriptSrc = policy.split(";").find((d) => d.trim().startsWith("script-src"))!;
  expect(scriptSrc).toMatch(/'nonce-[A-Za-z0-9+/=]{20,}'/);
  expect(scriptSrc).not.toContain("unsafe-inline");
  expect(policy).toContain("frame-ancestors 'none'");
  expect(policy).toContain("object-src 'none'");
  expect(second.headers()["content-security-policy"]).not.toBe(policy); // a fresh nonce per response
  const nonce = /'nonce-([^']+)'/.exec(scriptSrc)![1]!;
  const html = await first.text();
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);

  for (const response of [first, await request.get("/api/health"), await request.get("/api/answers")]) {
    const headers = response.headers();
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("same-origin");
    expect(headers["permissions-policy"]).toContain("camera=()");
    expect(headers["strict-transport-security"]).toBeUndefined(); // plain http here
  }
  expect((await request.get("/api/health")).headers()["content-security-policy"]).toBe(
    "default-src 'none'; frame-ancestors 'none'",
  );
  const overHttps = await request.get("/signin", { headers: { "x-forwarded-proto": "https" } });
  expect(overHttps.headers()["strict-transport-security"]).toContain("max-age=31536000");
  expect(overHttps.headers()["content-security-policy"]).toContain("upgrade-insecure-requests");

  // And the page works under that policy: React hydrated it.
  await visit(page, "/signin");
});

test("Auth.js's endpoints take only small URL-encoded forms: a large body is refused while read, JSON unread", async ({
  request,
}) => {
  const huge = await request.post("/api/auth/callback/credentials", {
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    data: `email=a%40b.c&password=${"x".repeat(200_000)}`,
  });
  expect(huge.status()).toBe(413);
  expect((await huge.json()).message).toBe(zh("errors.bodyTooLarge", { max: "8" }));
  const json = await request.post("/api/auth/callback/credentials", { data: { email: "a@b.c", password: "x" } });
  expect(json.status()).toBe(415);
  // An ordinary form still reaches Auth.js (here: refused for its missing CSRF token, with a redirect).
  const form = await request.post("/api/auth/callback/credentials", {
    form: { email: "a@b.c", password: "x" },
    maxRedirects: 0,
  });
  expect(form.status()).toBe(302);
});

test("hostile text and bodies get a translated 400, never a 500; the readiness probe says the instance is ready", async ({
  pageFor,
  request,
}) => {
  const { roundId } = await createTestRound(["jinhua"]);
  const page = await pageFor(await createUser("city_staff", "jinhua"));
  const itemId = itemIdOf(roundId, "Q1.1");
  const put = (body: string) =>
    page.request.put("/api/answers", { headers: { "Content-Type": "application/json" }, data: body });
  const surrogate = await put(
    `{"itemId":${itemId},"baseRevision":0,"value":null,"notApplicable":true,"notApplicableReason":"abc\\ud800def"}`,
  );
  expect(surrogate.status()).toBe(400);
  expect((await surrogate.json()).message).toBe(zh("errors.textNotWellFormed"));
  for (const body of ["null", "[]", "42", '"text"']) {
    const refused = await put(body);
    expect(refused.status(), body).toBe(400);
    expect((await refused.json()).message).toBe(zh("errors.bodyNotObject"));
  }
  const comma = await put(
    JSON.stringify({ itemId, baseRevision: 0, value: "1,5", notApplicable: false, notApplicableReason: "" }),
  );
  expect(comma.status()).toBe(400);
  const ready = await request.get("/api/ready");
  expect(ready.status()).toBe(200);
  expect(await ready.json()).toEqual({
    ok: true,
    checks: { databaseWritable: true, migrationsCurrent: true, evidenceWritable: true, diskSpace: true },
  });
});

test("seeding the DATA_DIR of a running server is refused with a clear message, and changes nothing", async ({
  request,
}) => {
  expect((await request.get("/api/ready")).status()).toBe(200); // the server is up and has claimed its DATA_DIR
  const seed = spawnSync(
    process.execPath,
    ["node_modules/tsx/dist/cli.mjs", "--conditions=react-server", "scripts/seed.ts"],
    { env: { ...process.env, DATA_DIR: E2E_DATA_DIR }, encoding: "utf8" },
  );
  expect(seed.status).toBe(1);
  expect(seed.stderr).toMatch(/^Seeding refused: a CityEval server \(process \d+\) is using /);
});

test("evidence downloads carry the detected type's extension, no invisible characters, and run nothing", async ({
  pageFor,
}) => {
  const { roundId } = await createTestRound(["jiaxing"]);
  const page = await pageFor(await createUser("city_staff", "jiaxing"));
  await visit(page, `/rounds/${roundId}/cities/jiaxing/modules/Q`);
  const upload = async (name: string, body: Buffer) => {
    const response = await page.request.post(`/api/evidence?itemId=${itemIdOf(roundId, "Q1.1")}`, {
      headers: { "X-File-Name": encodeURIComponent(name), "Content-Type": "application/octet-stream" },
      data: body,
    });
    expect(response.status()).toBe(201);
    return (await response.json()) as { id: number; originalName: string };
  };
  const cases = [
    { name: "证明材料.bat", body: PDF, served: "证明材料.pdf" },
    { name: "evidence.html", body: PDF, served: "evidence.pdf" },
    { name: "x.html", body: PNG, served: "x.png" },
    { name: "invoice\u202Efdp.exe", body: PDF, served: "invoicefdp.pdf" },
  ];
  for (const [i, { name, body, served }] of cases.entries()) {
    // Each a different file (the same content twice on one item is refused as attached already).
    const stored = await upload(name, Buffer.concat([body, Buffer.from(`\n%${i}`)]));
    expect(stored.originalName).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
    const download = await page.request.get(`/api/evidence/${stored.id}`);
    const headers = download.headers();
    expect(headers["content-disposition"]).toMatch(/^attachment;/);
    expect(contentDisposition.parse(headers["content-disposition"]!).parameters.filename).toBe(served);
    expect(headers["content-security-policy"]).toMatch(/^sandbox; default-src 'none'/);
    expect(headers["x-content-type-options"]).toBe("nosniff");
    // Previews: images sandboxed; a PDF scriptless but not sandboxed, as Chromium's PDF viewer refuses sandboxed documents.
    const inline = await page.request.get(`/api/evidence/${stored.id}?inline=1`);
    expect(inline.headers()["content-disposition"]).toMatch(/^inline;/);
    expect(inline.headers()["content-security-policy"]).toBe(
      body === PNG
        ? "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"
        : "default-src 'none'; frame-ancestors 'self'",
    );
  }
  // The questionnaire lists the cleaned name, as it is stored.
  await reload(page);
  await expect(item(page, "Q1.1").getByRole("link", { name: "invoicefdp.exe" })).toBeVisible();
});

/** A second browser holding a copy of the first one's cookies, as somebody who copied the session cookie would. */
async function copyOf(context: BrowserContext, browser: import("@playwright/test").Browser) {
  return browser.newContext({ storageState: await context.storageState() });
}

test("a copied session cookie stops working at sign-out, a password change and an admin's reset", async ({
  pageFor,
  browser,
}) => {
  const staff = await createUser("city_staff", "zhoushan");
  const { roundId } = await createTestRound(["zhoushan"]);
  const home = `/rounds/${roundId}/cities/zhoushan`;
  const answer = {
    itemId: itemIdOf(roundId, "Q1.1"),
    baseRevision: 0,
    value: 1,
    notApplicable: false,
    notApplicableReason: "",
  };

  // Sign-out ends every session of the user, the copy's too.
  let page = await pageFor(staff);
  let copy = await copyOf(page.context(), browser);
  expect((await copy.request.get(home)).status()).toBe(200);
  await visit(page, home);
  await page.getByRole("button", { name: zh("nav.signOut") }).click();
  await expect(page).toHaveURL(/\/signin$/);
  expect((await copy.request.put("/api/answers", { data: answer })).status()).toBe(401);
  expect((await copy.request.get(home)).url()).toMatch(/\/signin$/);
  await copy.close();

  // A password change ends the others and keeps this browser signed in.
  page = await pageFor(staff);
  copy = await copyOf(page.context(), browser);
  await visit(page, "/account/password");
  await changePassword(page, staff.password, "a-brand-new-password");
  await expect(page).toHaveURL(/\/rounds\/\d+\/cities\/zhoushan$/); // the start page, signed in with a new session
  expect((await page.request.get(home)).status()).toBe(200);
  expect((await copy.request.put("/api/answers", { data: answer })).status()).toBe(401);
  await copy.close();

  // An admin's reset ends them all.
  const fresh = { ...staff, password: "a-brand-new-password" };
  page = await pageFor(fresh);
  expect((await page.request.get(home)).status()).toBe(200);
  const admin = await createUser("admin");
  expect(await resetPassword(testDb(), admin.id, staff.id, "temporary-password-1")).toEqual({ ok: true });
  expect((await page.request.put("/api/answers", { data: answer })).status()).toBe(401);
  expect(testDb().select().from(sessions).where(eq(sessions.userId, staff.id)).all()).toEqual([]);
});

test("a session that ends while a clerk fills in loses nothing: the value stays, and after signing in again it is saved", async ({
  pageFor,
  browser,
}) => {
  const staff = await createUser("city_staff", "lishui");
  const { roundId } = await createTestRound(["lishui"]);
  const page = await pageFor(staff);
  await visit(page, `/rounds/${roundId}/cities/lishui/modules/Q`);
  const field = page.getByRole("textbox", { name: "光纤覆盖率", exact: true });
  await field.fill("41");
  await expectSaved(page, "Q1.1");

  // The session ends elsewhere (here: signed out in another browser holding the same cookie).
  const elsewhere = await copyOf(page.context(), browser);
  const other = await elsewhere.newPage();
  await visit(other, `/rounds/${roundId}/cities/lishui`);
  await other.getByRole("button", { name: zh("nav.signOut") }).click();
  await expect(other).toHaveURL(/\/signin$/);
  await elsewhere.close();

  await field.fill("42.5");
  await expect(item(page, "Q1.1").getByRole("status")).toHaveText(zh("questionnaire.save.signedOut"));
  const dialog = page.getByRole("dialog", { name: zh("auth.sessionEndedTitle") });
  await expect(dialog).toBeVisible();
  await expect(field).toHaveValue("42.5");
  await dialog.getByLabel(zh("auth.password")).fill("wrong-password");
  await dialog.getByRole("button", { name: zh("auth.signInAndContinue") }).click();
  await expect(dialog.getByRole("alert")).toHaveText(zh("errors.invalidCredentials"));
  await dialog.getByLabel(zh("auth.password")).fill(staff.password);
  await dialog.getByRole("button", { name: zh("auth.signInAndContinue") }).click();
  await expect(dialog).toBeHidden();
  await expectSaved(page, "Q1.1");

  // At the absolute end the browser drops the cookie itself: signing in again in place works without it too.
  await page.context().clearCookies({ name: "authjs.session-token" });
  await field.fill("43");
  await expect(dialog).toBeVisible();
  await dialog.getByLabel(zh("auth.password")).fill(staff.password);
  await dialog.getByRole("button", { name: zh("auth.signInAndContinue") }).click();
  await expect(dialog).toBeHidden();
  await expectSaved(page, "Q1.1");
  await reload(page);
  await expect(field).toHaveValue("43");
});

test("an address under /api/v1 that is not the API's answers the API's JSON 404; its endpoints answer as before", async ({
  request,
}) => {
  for (const [method, url] of [
    ["GET", "/api/v1/nothing"],
    ["POST", "/api/v1/rounds/1/nothing"],
    ["DELETE", "/api/v1/me/x"],
  ] as const) {
    const response = await request.fetch(url, { method });
    expect(response.status(), url).toBe(404);
    expect(response.headers()["content-type"]).toContain("application/json");
    expect(await response.json()).toEqual({ code: "notFound", message: zh("errors.notFound") });
  }
  expect(await (await request.get("/api/v1/me")).json()).toMatchObject({ code: "tokenInvalid" });
  expect((await request.get("/api/v1/openapi.json")).status()).toBe(200);
});
