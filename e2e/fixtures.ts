import { randomUUID } from "node:crypto";
import path from "node:path";
import { type BrowserContext, test as base, expect, type Page } from "@playwright/test";
import { and, eq } from "drizzle-orm";
import { saveAnswer } from "@/db/answers";
import { getCityByCode } from "@/db/cities";
import { type Db, openDatabase } from "@/db/client";
import { addEvidence } from "@/db/evidence";
import { approveSubmission } from "@/db/reviews";
import { createRound, getRoundByName } from "@/db/rounds";
import { items, modules, reviewAssignments, reviewStages, submissions } from "@/db/schema";
import { OPEN_ROUND_NAME } from "@/db/seed";
import { getQuestionnaire, submitModule } from "@/db/submissions";
import { upsertUser } from "@/db/users";
import { hashPassword } from "@/lib/auth/password";
import type { Role } from "@/lib/domain";
import { validateFramework } from "@/lib/framework/validate";
import { E2E_DATA_DIR } from "./env";

export { expect };

export type TestUser = { id: number; email: string; password: string; name: string; role: Role; cityId: number | null };

let db: Db | undefined;
/** The e2e server's database, for tests to seed their own data. */
export function testDb(): Db {
  db ??= openDatabase(path.join(E2E_DATA_DIR, "cityeval.db"));
  return db;
}

export function openRound() {
  const round = getRoundByName(testDb(), OPEN_ROUND_NAME);
  if (!round) throw new Error("the e2e server seeds the open round");
  return round;
}

export function city(code: string) {
  const found = getCityByCode(testDb(), code);
  if (!found) throw new Error(`no city ${code}`);
  return found;
}

// Every test user has this password, hashed once per worker: Argon2 is slow on purpose (0.02–0.5 s per hash
// on a loaded 2-core machine) and a suite creates about a hundred users. Signing in still verifies a real hash.
const TEST_PASSWORD = `e2e-${randomUUID()}`;
let testPasswordHash: Promise<string> | undefined;

/** A fresh user of its own for one test, so that tests never share lockout counters, languages or sessions. */
export async function createUser(role: Role, cityCode?: string): Promise<TestUser> {
  const tag = randomUUID().slice(0, 8);
  const email = `${role.replace("_", "-")}-${tag}@e2e.test`;
  const cityId = cityCode ? city(cityCode).id : null;
  const name = `E2E ${role} ${tag}`;
  const passwordHash = await (testPasswordHash ??= hashPassword(TEST_PASSWORD));
  const id = await upsertUser(testDb(), { email, name, passwordHash, role, cityId });
  return { id, email, password: TEST_PASSWORD, name, role, cityId };
}

type StorageState = Awaited<ReturnType<BrowserContext["storageState"]>>;

export const test = base.extend<
  {
    /** A page signed in as the user, in a browser context of its own that is closed when the test ends. */
    pageFor: (user: TestUser) => Promise<Page>;
    /** A page signed in as this worker's admin (for tests that do not change the admin's account or language). */
    adminPage: Page;
  },
  { signIn: (user: TestUser) => Promise<StorageState>; workerAdmin: StorageState }
>({
  // Signs in through the Auth.js endpoints (the sign-in page itself has its own spec) and keeps the cookies.
  signIn: [
    async ({ playwright }, use, workerInfo) => {
      const baseURL = workerInfo.project.use.baseURL;
      await use(async (user) => {
        const request = await playwright.request.newContext({ baseURL });
        try {
          const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
          const response = await request.post("/api/auth/callback/credentials", {
            form: { email: user.email, password: user.password, csrfToken, callbackUrl: "/" },
            maxRedirects: 0,
          });
          expect(response.status(), `sign-in of ${user.email}`).toBe(302);
          expect(response.headers().location).not.toContain("error");
          return await request.storageState();
        } finally {
          await request.dispose();
        }
      });
    },
    { scope: "worker" },
  ],
  // One admin per worker, signed in once: its session (the storage state) is reused by every test of the worker.
  workerAdmin: [async ({ signIn }, use) => use(await signIn(await createUser("admin"))), { scope: "worker" }],
  pageFor: async ({ browser, signIn }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async (user) => {
      const context = await browser.newContext({ storageState: await signIn(user) });
      contexts.push(context);
      return context.newPage();
    });
    // Contexts a test opens itself stay open until the worker ends unless closed: each holds a renderer.
    await Promise.all(contexts.map((context) => context.close()));
  },
  adminPage: async ({ browser, workerAdmin }, use) => {
    const context = await browser.newContext({ storageState: workerAdmin });
    await use(await context.newPage());
    await context.close();
  },
});

/**
 * Opens a page and waits until React has hydrated it (the app marks `<html data-hydrated>`), so that the next
 * click reaches its handler however slow the machine. Use it instead of `page.goto`.
 */
export async function visit(page: Page, url: string) {
  const response = await page.goto(url);
  await hydrated(page);
  return response;
}

/** Reloads the page and waits until it is hydrated again. Use it instead of `page.reload`. */
export async function reload(page: Page) {
  const response = await page.reload();
  await hydrated(page);
  return response;
}

async function hydrated(page: Page) {
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
}

/** A one-module framework with every answer type, for journeys that must touch each input. */
const ALL_TYPES_FRAMEWORK = {
  year: 2099,
  name: { zh: "测试指标体系", en: "Test framework" },
  total: 10,
  modules: [
    {
      code: "Q",
      name: { zh: "测试模块", en: "Test module" },
      points: 10,
      indicators: [
        {
          code: "Q1",
          name: { zh: "全部题型", en: "Every answer type" },
          points: 10,
          items: [
            {
              code: "Q1.1",
              name: { zh: "光纤覆盖率", en: "Fibre coverage" },
              type: "number",
              unit: { zh: "%", en: "%" },
              min: 0,
              max: 100,
              decimals: 2,
              rule: { kind: "linear", lo: 0, hi: 100 },
              points: 2,
              evidence: { kinds: ["SG"], required: true },
            },
            {
              code: "Q1.2",
              name: { zh: "是否建成政务云", en: "Cloud in place" },
              type: "boolean",
              rule: { kind: "boolean" },
              points: 2,
              evidence: { kinds: ["DOC"], required: true },
            },
            {
              code: "Q1.3",
              name: { zh: "平台建设状态", en: "Platform status" },
              type: "single",
              options: [
                { value: "none", label: { zh: "无", en: "None" } },
                { value: "built", label: { zh: "已建成", en: "Built" } },
                { value: "linked", label: { zh: "已对接省级", en: "Linked to province" } },
              ],
              rule: { kind: "single", fractions: { none: 0, built: 0.5, linked: 1 } },
              points: 2,
              evidence: { kinds: [], required: false },
            },
            {
              code: "Q1.4",
              name: { zh: "已建数据库", en: "Databases built" },
              type: "multi",
              options: [
                { value: "people", label: { zh: "人口", en: "Population" } },
                { value: "firms", label: { zh: "法人", en: "Legal entities" } },
                { value: "geo", label: { zh: "空间地理", en: "Geospatial" } },
              ],
              rule: { kind: "multi", pointsEach: 0.5 },
              points: 1.5,
              evidence: { kinds: [], required: false },
            },
            {
              code: "Q1.5",
              name: { zh: "数据开放平台", en: "Open-data portal" },
              type: "url",
              rule: { kind: "url" },
              points: 2.5,
              evidence: { kinds: ["URL"], required: false },
            },
            {
              code: "Q1.6",
              name: { zh: "补充说明", en: "Remarks" },
              type: "text",
              required: false,
              rule: { kind: "none" },
              points: 0,
              evidence: { kinds: [], required: false },
            },
          ],
        },
      ],
    },
  ],
};

/** A fresh open round of the all-types framework for the given cities, with a reviewer at stage 1. */
export async function createTestRound(
  cityCodes: string[],
  options: { deadline?: Date; framework?: unknown; year?: number } = {},
) {
  const result = validateFramework(options.framework ?? ALL_TYPES_FRAMEWORK);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  const db = testDb();
  const roundId = createRound(
    db,
    {
      name: `E2E ${randomUUID()}`,
      year: options.year ?? 2099,
      status: "open",
      submissionDeadline: options.deadline ?? new Date(Date.now() + 86_400_000),
      cityIds: cityCodes.map((code) => city(code).id),
    },
    result.framework,
    null,
  );
  const reviewer = await createUser("reviewer");
  const finalReviewer = await createUser("reviewer");
  const [stage, finalStage] = db
    .select()
    .from(reviewStages)
    .where(eq(reviewStages.roundId, roundId))
    .orderBy(reviewStages.position)
    .all();
  const [mod] = db.select().from(modules).where(eq(modules.roundId, roundId)).all();
  db.insert(reviewAssignments)
    .values({ roundId, moduleId: mod!.id, stageId: stage!.id, reviewerId: reviewer.id })
    .run();
  db.insert(reviewAssignments)
    .values({ roundId, moduleId: mod!.id, stageId: finalStage!.id, reviewerId: finalReviewer.id })
    .run();
  return { roundId, reviewer, finalReviewer };
}

export function itemIdOf(roundId: number, code: string): number {
  const row = testDb()
    .select({ id: items.id })
    .from(items)
    .where(and(eq(items.roundId, roundId), eq(items.code, code)))
    .get();
  if (!row) throw new Error(`no item ${code}`);
  return row.id;
}

/** Answers every item of the all-types module with evidence and submits it, as the city's staff would. */
export function fillAndSubmit(roundId: number, staff: TestUser): number {
  const db = testDb();
  const user = {
    id: staff.id,
    email: staff.email,
    name: staff.name,
    role: staff.role,
    cityId: staff.cityId,
    locale: "zh-CN" as const,
  };
  const values: Record<string, unknown> = {
    "Q1.1": 80,
    "Q1.2": true,
    "Q1.3": "built",
    "Q1.4": ["people"],
    "Q1.5": "https://data.example.gov.cn",
    "Q1.6": "说明",
  };
  for (const [code, value] of Object.entries(values)) {
    const saved = saveAnswer(db, user, {
      itemId: itemIdOf(roundId, code),
      baseRevision: 0,
      value,
      notApplicableReason: null,
    });
    if (!saved.ok) throw new Error(`save ${code}: ${saved.reason}`);
  }
  for (const code of ["Q1.1", "Q1.2"])
    addEvidence(db, user, itemIdOf(roundId, code), { kind: "url", url: `https://stats.example.gov.cn/${code}` });
  const result = submitModule(db, user, roundId, "Q");
  if (!result.ok) throw new Error(`submit: ${result.reason}`);
  return getQuestionnaire(db, roundId, staff.cityId!, "Q")!.submission!.id;
}

/** Both stages approve the submission (as its assigned reviewers would). */
export function approveThroughStages(submissionId: number, reviewers: TestUser[]) {
  const db = testDb();
  for (const r of reviewers) {
    const version = db
      .select({ version: submissions.version })
      .from(submissions)
      .where(eq(submissions.id, submissionId))
      .get()!.version;
    const result = approveSubmission(
      db,
      { id: r.id, email: r.email, name: r.name, role: r.role, cityId: null, locale: "zh-CN" },
      submissionId,
      version,
    );
    if (!result.ok) throw new Error(`approve: ${result.reason}`);
  }
}
