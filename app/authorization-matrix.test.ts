/**
 * The authorization matrix: every route handler (app/**\/route.ts) and every server action (the exports of
 * app/actions/*) is called by each class of caller who must be refused, against seeded data of city A, and
 * must refuse them without changing anything (a fingerprint of every table and of the evidence files before
 * and after). The allowed caller is then run too, inside a transaction that is rolled back, to show that the
 * refusals come from who calls, not from the input. A new route or action without an entry fails.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { and, eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { saveAnswer } from "@/db/answers";
import { createApiToken } from "@/db/api-tokens";
import { fileAppeal } from "@/db/appeals";
import { listStages } from "@/db/assignments";
import { decideCalibrationItem, drawCalibration } from "@/db/calibration";
import { getCityByCode, getCityById, upsertCities } from "@/db/cities";
import type { Db } from "@/db/client";
import { loadCityFile, loadFrameworkFile } from "@/db/data-files";
import { assignItems } from "@/db/departments";
import { addEvidence, deleteEvidence, type EvidenceInput } from "@/db/evidence";
import { addToLibrary } from "@/db/evidence-library";
import { finaliseRound, markNotSubmitted } from "@/db/finalise";
import { decideItem } from "@/db/item-decisions";
import { loadWorkbookData } from "@/db/questionnaire-workbook";
import { approveSubmission, returnSubmission } from "@/db/reviews";
import { cloneRound, createRound, openRound } from "@/db/rounds";
import {
  calibrations,
  itemReviews,
  items,
  libraryFiles,
  modules,
  reviewAssignments,
  rounds,
  submissions,
  webhookDeliveries,
} from "@/db/schema";
import { submitModule } from "@/db/submissions";
import { createTestDb, MODULE_B_VALUES } from "@/db/test-db";
import { getActiveSessionUser, upsertUser } from "@/db/users";
import { createWebhook } from "@/db/webhooks";
import { hashPassword } from "@/lib/auth/password";
import { IMPORT_COLUMNS } from "@/lib/cities/import";
import { starterFramework } from "@/lib/framework/starter";
import { writeQuestionnaireWorkbook } from "@/lib/questionnaire/workbook";
import { evidenceStore } from "@/lib/storage";

// ---------------------------------------------------------------------------------------------------------
// What needs a Next.js request context and has nothing to do with authorization is replaced; who is calling
// comes from `currentUser()` (the one source of identity of lib/action.ts), answered with the real user row.

const state = vi.hoisted(() => ({ db: undefined as Db | undefined, callerId: null as number | null }));

const navigation = vi.hoisted(() => {
  /** What `redirect()` and `notFound()` throw here: a page-style refusal (or a redirect after success). */
  class NavigationSignal extends Error {
    constructor(
      readonly kind: "redirect" | "notFound",
      readonly url = "",
    ) {
      super(`${kind} ${url}`);
    }
  }
  return { NavigationSignal };
});
const { NavigationSignal } = navigation;

vi.mock("@/db/client", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/db/client")>()),
  getDb: () => {
    if (!state.db) throw new Error("the test database is not seeded yet");
    return state.db;
  },
}));
vi.mock("@/lib/auth/session", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth/session")>()),
  currentUser: async () => {
    const { getActiveSessionUser: activeUser } = await import("@/db/users");
    return state.callerId === null ? null : activeUser(state.db!, state.callerId);
  },
}));
// Auth.js itself (its route, signing in and out, re-issuing the cookie) is not under test here, and does not load
// outside Next.js: lib/auth/auth.ts runs on a stand-in whose calls succeed and do nothing.
vi.mock("next-auth", () => {
  class AuthError extends Error {
    type = "AuthError";
  }
  class CredentialsSignin extends AuthError {
    code = "credentials";
  }
  const handler = async () => new Response(null, { status: 204 });
  const done = async () => undefined;
  const NextAuth = () => ({
    handlers: { GET: handler, POST: handler },
    auth: done,
    signIn: done,
    signOut: done,
    unstable_update: done,
  });
  return { default: NextAuth, AuthError, CredentialsSignin };
});
vi.mock("next-auth/providers/credentials", () => ({ default: (config: unknown) => config }));
vi.mock("next-intl/server", () => {
  const t = Object.assign((key: string) => key, {
    has: () => true,
    raw: (key: string) => key,
    rich: (key: string) => key,
    markup: (key: string) => key,
  });
  return {
    getTranslations: async () => t,
    getFormatter: async () => ({ dateTime: () => "date", number: String }),
    getLocale: async () => "zh-CN",
  };
});
vi.mock("next/cache", () => ({ revalidatePath: vi.fn(), revalidateTag: vi.fn() }));
// Work a handler leaves for after its response (reminder e-mails) runs at once: no request outlives the call here.
vi.mock("next/server", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/server")>()),
  after: (task: () => unknown) => void Promise.resolve().then(task),
}));
vi.mock("next/navigation", () => ({
  redirect: (url: string) => {
    throw new navigation.NavigationSignal("redirect", url);
  },
  permanentRedirect: (url: string) => {
    throw new navigation.NavigationSignal("redirect", url);
  },
  notFound: () => {
    throw new navigation.NavigationSignal("notFound");
  },
  // What the action wrapper lets through, as Next.js's own does for its redirect and notFound errors.
  unstable_rethrow: (error: unknown) => {
    if (error instanceof navigation.NavigationSignal) throw error;
  },
}));
vi.mock("next/headers", () => {
  const jar = new Map<string, string>();
  const store = {
    get: (name: string) => (jar.has(name) ? { name, value: jar.get(name)! } : undefined),
    has: (name: string) => jar.has(name),
    getAll: () => [...jar].map(([name, value]) => ({ name, value })),
    set: (name: string, value: string) => void jar.set(name, value),
    delete: (name: string) => void jar.delete(name),
  };
  return { cookies: async () => store, headers: async () => new Headers() };
});

// ---------------------------------------------------------------------------------------------------------
// Callers and the seeded data they aim at.

type SessionUser = NonNullable<ReturnType<typeof getActiveSessionUser>>;

const CALLERS = {
  anonymous: "anonymous",
  staffA: "staff of city A (Hangzhou)",
  staffB: "staff of city B (Ningbo), in the same rounds",
  outsiderStaff: "staff of a city outside the rounds (Shanghai)",
  deptA: "department user of city A, assigned items G1.1 and G1.3 of the open round",
  reviewer1: "reviewer of modules B and G at stage 1",
  reviewer2: "reviewer of modules B and G at stage 2 only",
  unassignedReviewer: "reviewer without assignments",
  admin: "admin",
} as const;
type Caller = keyof typeof CALLERS;
type SignedIn = Exclude<Caller, "anonymous">;

type Fixture = {
  users: Record<SignedIn, SessionUser>;
  /** each user's personal access token (scope write), sent as the bearer of /api/v1 calls */
  tokens: Record<SignedIn, string>;
  tokenIds: Record<SignedIn, number>;
  /** a webhook, and a delivery of it that failed */
  webhook: { id: number; failedDelivery: number };
  cityA: number;
  /** open round: A's module B submitted (stage 1, one item accepted), A's module G a draft never submitted */
  open: {
    roundId: number;
    name: string;
    submissionId: number;
    moduleG: number;
    stage1: number;
    reviewer1OnB: number;
    item: (code: string) => number;
  };
  /**
   * Files of city A: in the submitted module B; deleted from it before it was submitted; in the draft module G;
   * in the returned module B, one deleted after it had been submitted and one uploaded after the return.
   */
  evidence: { submitted: number; deleted: number; draft: number; deletedAfterSubmission: number; afterReturn: number };
  /** library files of A in the open round: the draft's file (attached to G1.3), and one attached to nothing */
  library: { attached: number; loose: number };
  /** the round cloned from the finalised one, open; A's A1.1 holds a value copied from last round */
  next: { roundId: number; item: (code: string) => number };
  /** A's module G of the open round as the Excel workbook it downloads */
  workbookG: Uint8Array<ArrayBuffer>;
  /** open round in its correction window: A's module B verified (B4.1 adjusted at stage 1), an open appeal on B4.1 */
  appeals: { roundId: number; submissionId: number; appealId: number; item: (code: string) => number };
  /** a blind second review of A's module B in a round of its own, given to unassignedReviewer, every item decided */
  calibration: { id: number; item: (code: string) => number };
  /** open round: A's module B returned with a query on B2.1 */
  returned: { roundId: number; queryId: number };
  finalisedRoundId: number;
  draftRoundId: number;
};

const PASSWORD = "matrix-password-1";
const pdf = (label: string) =>
  new Uint8Array(Buffer.from(`%PDF-1.4\n% ${label}\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n`));

function must<T extends { ok: boolean }>(result: T, what: string): Extract<T, { ok: true }> {
  if (!result.ok) throw new Error(`seeding ${what}: ${JSON.stringify(result)}`);
  return result as Extract<T, { ok: true }>;
}

async function seed(db: Db): Promise<Fixture> {
  upsertCities(db, loadCityFile());
  const cityA = getCityByCode(db, "hangzhou")!.id;
  const cityB = getCityByCode(db, "ningbo")!.id;
  const cityC = getCityByCode(db, "shanghai")!.id;
  // Argon2 on purpose costs time: one hash for every account.
  const passwordHash = await hashPassword(PASSWORD);
  const user = async (email: string, role: SessionUser["role"], cityId: number | null = null) =>
    getActiveSessionUser(db, await upsertUser(db, { email, name: email.split("@")[0]!, role, cityId, passwordHash }))!;
  const users: Fixture["users"] = {
    staffA: await user("staff-a@matrix.test", "city_staff", cityA),
    staffB: await user("staff-b@matrix.test", "city_staff", cityB),
    outsiderStaff: await user("staff-c@matrix.test", "city_staff", cityC),
    deptA: getActiveSessionUser(
      db,
      await upsertUser(db, {
        email: "dept-a@matrix.test",
        name: "dept-a",
        role: "department_staff",
        cityId: cityA,
        department: "统计局",
        passwordHash,
      }),
    )!,
    reviewer1: await user("reviewer-1@matrix.test", "reviewer"),
    reviewer2: await user("reviewer-2@matrix.test", "reviewer"),
    unassignedReviewer: await user("reviewer-0@matrix.test", "reviewer"),
    admin: await user("admin@matrix.test", "admin"),
  };
  const { staffA, reviewer1, reviewer2, admin } = users;
  const created = Object.entries(users).map(([caller, u]) => {
    const made = createApiToken(db, u, { name: "matrix", scope: "write", expiresInDays: 30 });
    if (!made.ok) throw new Error(`token of ${caller}`);
    return [caller, made] as const;
  });
  const tokens = Object.fromEntries(created.map(([c, m]) => [c, m.token])) as Record<SignedIn, string>;
  const tokenIds = Object.fromEntries(created.map(([c, m]) => [c, m.id])) as Record<SignedIn, number>;

  const framework = loadFrameworkFile(2019);
  const newRound = (name: string) =>
    createRound(db, { name, year: 2019, status: "open", cityIds: [cityA, cityB] }, framework, admin.id);
  const moduleId = (roundId: number, code: string) =>
    db
      .select()
      .from(modules)
      .where(and(eq(modules.roundId, roundId), eq(modules.code, code)))
      .get()!.id;
  const itemOf = (roundId: number) => (code: string) =>
    db
      .select()
      .from(items)
      .where(and(eq(items.roundId, roundId), eq(items.code, code)))
      .get()!.id;
  /** reviewer1 at stage 1 and reviewer2 at stage 2 of each module; the id of reviewer1's assignment to the first */
  const assign = (roundId: number, codes: string[]) => {
    const [stage1, stage2] = listStages(db, roundId);
    const ids = codes.flatMap((code) =>
      [
        { stageId: stage1!.id, reviewerId: reviewer1.id },
        { stageId: stage2!.id, reviewerId: reviewer2.id },
      ].map(
        (a) =>
          db
            .insert(reviewAssignments)
            .values({ roundId, moduleId: moduleId(roundId, code), ...a })
            .returning()
            .get().id,
      ),
    );
    return { stage1: stage1!.id, reviewer1OnFirst: ids[0]! };
  };
  const submitB = (roundId: number, now?: Date) => {
    const item = itemOf(roundId);
    for (const [code, value] of Object.entries(MODULE_B_VALUES)) {
      must(
        saveAnswer(db, staffA, { itemId: item(code), baseRevision: 0, value, notApplicableReason: null }),
        `answer ${code}`,
      );
      must(
        addEvidence(db, staffA, item(code), { kind: "url", url: `https://stats.hangzhou.example.gov.cn/${code}` }),
        `link ${code}`,
      );
    }
    must(submitModule(db, staffA, roundId, "B", now), "submit B");
    return db
      .select()
      .from(submissions)
      .where(
        and(
          eq(submissions.roundId, roundId),
          eq(submissions.cityId, cityA),
          eq(submissions.moduleId, moduleId(roundId, "B")),
        ),
      )
      .get()!.id;
  };
  const storedPdf = async (label: string): Promise<EvidenceInput> => ({
    kind: "file",
    originalName: `${label}.pdf`,
    ...(await evidenceStore().put(Readable.from([pdf(label)]), `${label}.pdf`, 1 << 20)),
  });

  // Explicit times where files are uploaded, deleted and submitted: whether a file was part of a submitted version
  // is decided by comparing them, and the same millisecond must not blur it.
  const t0 = Date.now();
  const at = (minutes: number) => new Date(t0 + minutes * 60_000);

  // The open round: module B submitted with a file, and a file deleted before submitting; module G a draft.
  const openName = "矩阵：开放轮次";
  const openId = newRound(openName);
  // A deadline far ahead, so that reminders (催报) may be sent in it.
  db.update(rounds)
    .set({ submissionDeadline: new Date("2100-12-31T15:59:59Z") })
    .where(eq(rounds.id, openId))
    .run();
  const openItem = itemOf(openId);
  const { stage1, reviewer1OnFirst } = assign(openId, ["B", "G"]);
  const submitted = must(
    addEvidence(db, staffA, openItem("B1.1"), await storedPdf("submitted"), at(0)),
    "file B1.1",
  ).id;
  const deleted = must(addEvidence(db, staffA, openItem("B1.2"), await storedPdf("deleted"), at(0)), "file B1.2").id;
  must(deleteEvidence(db, staffA, deleted, at(1)), "delete B1.2");
  const openSubmission = submitB(openId, at(2));
  must(
    decideItem(db, reviewer1, { submissionId: openSubmission, itemId: openItem("B1.2"), version: 1, action: "accept" }),
    "accept B1.2",
  );
  must(
    saveAnswer(db, staffA, { itemId: openItem("G1.1"), baseRevision: 0, value: 5, notApplicableReason: null }),
    "answer G1.1",
  );
  const draft = must(addEvidence(db, staffA, openItem("G1.3"), await storedPdf("draft")), "file G1.3").id;
  // A's department user fills G1.1 and G1.3 of the open round.
  must(
    assignItems(db, staffA, { roundId: openId, itemIds: [openItem("G1.1"), openItem("G1.3")], userId: users.deptA.id }),
    "assign G1.1 and G1.3",
  );
  // City A's library in the open round: the draft's file (attached to G1.3), and a file attached to nothing.
  const loose = await evidenceStore().put(Readable.from([pdf("loose")]), "loose.pdf", 1 << 20);
  const looseFile = must(addToLibrary(db, staffA, openId, { originalName: "loose.pdf", ...loose }), "library file").file
    .id;
  const draftFile = db
    .select()
    .from(libraryFiles)
    .where(
      and(eq(libraryFiles.roundId, openId), eq(libraryFiles.cityId, cityA), eq(libraryFiles.originalName, "draft.pdf")),
    )
    .get()!.id;

  // The correction window: B verified after a stage-1 adjustment of B4.1, which city A appeals (decided by stage 1).
  const appealsId = newRound("矩阵：复核申诉");
  const appealsItem = itemOf(appealsId);
  assign(appealsId, ["B"]);
  const appealsSubmission = submitB(appealsId);
  must(
    decideItem(db, reviewer1, {
      submissionId: appealsSubmission,
      itemId: appealsItem("B4.1"),
      version: 1,
      action: "adjust",
      adjustedValue: 45,
      comment: "核减",
    }),
    "adjust B4.1",
  );
  must(approveSubmission(db, reviewer1, appealsSubmission, 1), "approve stage 1");
  must(approveSubmission(db, reviewer2, appealsSubmission, 1), "approve stage 2");
  db.update(rounds)
    .set({ preliminaryResults: true, appealDeadline: new Date("2100-12-31T15:59:59Z") })
    .where(eq(rounds.id, appealsId))
    .run();
  const appealId = must(fileAppeal(db, staffA, { itemId: appealsItem("B4.1"), reason: "请复核" }), "appeal B4.1").id;
  // A round of its own where A's module B (links only, no files) is at stage 1 and drawn for a blind second review,
  // given to the reviewer who reviews no module (the one who can): every item decided, not yet completed.
  const calibrationRound = newRound("矩阵：校准");
  const calibrationItem = itemOf(calibrationRound);
  const { stage1: calibrationStage } = assign(calibrationRound, ["B"]);
  submitB(calibrationRound);
  must(
    drawCalibration(db, admin, {
      roundId: calibrationRound,
      stageId: calibrationStage,
      share: 1,
      reviewerIds: [users.unassignedReviewer.id],
    }),
    "draw calibration",
  );
  const calibrationId = db.select().from(calibrations).get()!.id;
  for (const code of Object.keys(MODULE_B_VALUES))
    must(
      decideCalibrationItem(db, users.unassignedReviewer, {
        calibrationId,
        itemId: calibrationItem(code),
        action: "accept",
      }),
      `calibrate ${code}`,
    );

  // A module returned with a query on B2.1, whose file the city then replaces.
  const returnedId = newRound("矩阵：退回修改");
  const returnedItem = itemOf(returnedId);
  assign(returnedId, ["B"]);
  const deletedAfterSubmission = must(
    addEvidence(db, staffA, returnedItem("B2.1"), await storedPdf("deleted-after-submission"), at(0)),
    "file B2.1",
  ).id;
  const returnedSubmission = submitB(returnedId, at(2));
  must(
    decideItem(db, reviewer1, {
      submissionId: returnedSubmission,
      itemId: returnedItem("B2.1"),
      version: 1,
      action: "query",
      comment: "请补充依据",
    }),
    "query B2.1",
  );
  must(returnSubmission(db, reviewer1, returnedSubmission, 1, "请修改"), "return");
  const queryId = db
    .select()
    .from(itemReviews)
    .where(and(eq(itemReviews.submissionId, returnedSubmission), eq(itemReviews.action, "query")))
    .get()!.id;
  must(deleteEvidence(db, staffA, deletedAfterSubmission, at(3)), "delete B2.1");
  const afterReturn = must(
    addEvidence(db, staffA, returnedItem("B2.1"), await storedPdf("after-return"), at(4)),
    "new file B2.1",
  ).id;

  // A finalised round (the one-item starter framework keeps it quick) and a draft one.
  const finalisedId = createRound(
    db,
    { name: "矩阵：已定稿", year: 2019, status: "open", cityIds: [cityA, cityB] },
    starterFramework(2019),
    admin.id,
  );
  for (const cityId of [cityA, cityB])
    must(
      markNotSubmitted(db, admin, {
        roundId: finalisedId,
        cityId,
        moduleId: moduleId(finalisedId, "A"),
        reason: "未提交",
      }),
      "not submitted",
    );
  must(finaliseRound(db, admin, finalisedId), "finalise");
  // The next round, cloned from the finalised one and open: A holds a value copied from it, not yet confirmed.
  const nextId = must(cloneRound(db, admin.id, finalisedId, { name: "矩阵：下一轮", year: 2020 }), "clone").id;
  must(openRound(db, admin, nextId), "open the next round");
  must(
    saveAnswer(db, staffA, {
      itemId: itemOf(nextId)("A1.1"),
      baseRevision: 0,
      value: true,
      notApplicableReason: null,
      prefilledFromRoundId: finalisedId,
    }),
    "copied A1.1",
  );
  const draftId = createRound(
    db,
    { name: "矩阵：草稿", year: 2020, status: "draft", cityIds: [cityA, cityB] },
    starterFramework(2020),
    admin.id,
  );

  const hook = must(createWebhook(db, admin, { url: "http://127.0.0.1:9/matrix", events: ["submitted"] }), "webhook");
  const failedDelivery = db
    .insert(webhookDeliveries)
    .values({
      webhookId: hook.id,
      event: "submitted",
      body: "{}",
      status: "failed",
      attempts: 6,
      nextAttemptAt: new Date(),
    })
    .returning()
    .get().id;

  return {
    users,
    tokens,
    tokenIds,
    webhook: { id: hook.id, failedDelivery },
    cityA,
    open: {
      roundId: openId,
      name: openName,
      submissionId: openSubmission,
      moduleG: moduleId(openId, "G"),
      stage1,
      reviewer1OnB: reviewer1OnFirst,
      item: openItem,
    },
    evidence: { submitted, deleted, draft, deletedAfterSubmission, afterReturn },
    library: { attached: draftFile, loose: looseFile },
    workbookG: await workbookOf(db, staffA, openId, "G"),
    appeals: { roundId: appealsId, submissionId: appealsSubmission, appealId, item: appealsItem },
    calibration: { id: calibrationId, item: calibrationItem },
    returned: { roundId: returnedId, queryId },
    finalisedRoundId: finalisedId,
    next: { roundId: nextId, item: itemOf(nextId) },
    draftRoundId: draftId,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The matrix.

/** A caller class that is not refused here, and why. */
type Exempt = { exempt: string };
/**
 * Every class of caller, for every entry: refused (`true`), or exempt with the reason. The wrong role is the
 * list of roles' representatives the entry is not for (or exempt when every role may call it).
 */
type Classes = {
  anonymous: true | Exempt;
  /** staff of city B acting on city A's ids */
  otherCityStaff: true | Exempt;
  unassignedReviewer: true | Exempt;
  /** the reviewer of the same modules at stage 2, while the target is at stage 1 */
  otherStageReviewer: true | Exempt;
  /** a department user of city A: fills only the items its lead assigned (G1.1, G1.3 of the open round) */
  department: true | Exempt;
  wrongRole: readonly SignedIn[] | Exempt;
};
const CLASS_CALLER = {
  anonymous: "anonymous",
  otherCityStaff: "staffB",
  unassignedReviewer: "unassignedReviewer",
  otherStageReviewer: "reviewer2",
  department: "deptA",
} as const satisfies Record<string, Caller>;

type RouteCall = {
  path: string;
  params?: Record<string, string>;
  query?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer>;
};

type Case<I> = {
  /** what the input aims at */
  target: string;
  input: (f: Fixture) => I;
  refuse: Classes;
  /** further callers who must be refused, and why */
  alsoRefuse?: Partial<Record<Caller, string>>;
  /** callers who must NOT be refused (each run in a transaction that is rolled back) */
  allow?: readonly Caller[];
  /** actions: a refusal that is not `{ ok: false }` (documented where used) */
  refusedIf?: (result: unknown) => boolean;
  /** actions: what success looks like, when not `{ ok: true }` */
  allowedIf?: (result: unknown) => boolean;
  /** the allowed call must change the database (when its result cannot tell) */
  allowedWrites?: true;
  /**
   * Refused callers for whom the product is known to be wrong today, and how: their test is expected to fail
   * (`it.fails`) until the product is fixed, and then fails itself, so that the marker gets removed.
   */
  knownIssues?: Partial<Record<Caller, string>>;
};

const ADMIN_ONLY: Classes = {
  anonymous: true,
  department: true,
  otherCityStaff: true,
  unassignedReviewer: true,
  otherStageReviewer: true,
  wrongRole: ["staffA", "reviewer1"],
};
const REVIEWER_ONLY: Classes = {
  anonymous: true,
  department: true,
  otherCityStaff: true,
  unassignedReviewer: true,
  otherStageReviewer: true,
  wrongRole: ["staffA", "admin"],
};
const STAFF_ONLY: Classes = {
  anonymous: true,
  department: true,
  otherCityStaff: true,
  unassignedReviewer: true,
  otherStageReviewer: true,
  wrongRole: ["reviewer1", "admin"],
};
/** Endpoints whose input names a framework item (the same for every city): the city is the caller's own. */
const STAFF_OWN_CITY: Classes = {
  ...STAFF_ONLY,
  otherCityStaff: {
    exempt:
      "the input is a framework item shared by every participating city; the city written to is the caller's own, from the session",
  },
};
/** A calibration (blind second review): its second reviewer is, by design, a reviewer assigned to the module at no stage. */
const CALIBRATOR_ONLY: Classes = {
  ...REVIEWER_ONLY,
  unassignedReviewer: { exempt: "the calibration's second reviewer reviews the module at no stage: here it is theirs" },
};
const OUTSIDER = { outsiderStaff: "staff of a city that does not take part in the round" } as const;
const PUBLIC = (why: string): Classes => ({
  anonymous: { exempt: why },
  department: { exempt: why },
  otherCityStaff: { exempt: why },
  unassignedReviewer: { exempt: why },
  otherStageReviewer: { exempt: why },
  wrongRole: { exempt: why },
});
const SELF_SERVICE = (why: string): Classes => ({
  anonymous: true,
  department: { exempt: why },
  otherCityStaff: { exempt: why },
  unassignedReviewer: { exempt: why },
  otherStageReviewer: { exempt: why },
  wrongRole: { exempt: why },
});

/**
 * Not in the matrix, and why (the test checks these are the only ones and that they still exist).
 * Auth.js's own endpoints are the sign-in machinery itself (CSRF token, credentials callback, session); the
 * health route is a public liveness probe that reads nothing; the readiness route is a public probe that
 * answers only which of its checks hold (no data, no paths) and changes nothing (its write is rolled back); the
 * catch-all under /api/v1 answers every caller the same JSON 404 and reads nothing.
 */
const EXCLUDED_ROUTES = [
  "GET /api/auth/[...nextauth]",
  "POST /api/auth/[...nextauth]",
  "GET /api/health",
  "GET /api/ready",
  "GET /api/v1/[...path]",
  "POST /api/v1/[...path]",
  "PUT /api/v1/[...path]",
  "PATCH /api/v1/[...path]",
  "DELETE /api/v1/[...path]",
];

const PER_FILE: Exempt = {
  exempt: "city staff, reviewers and admins all download evidence; who may is decided per file",
};
/** Evidence no reviewer may download (the assigned one is refused through `alsoRefuse`). */
const NO_REVIEWER: Classes = {
  anonymous: true,
  department: true,
  otherCityStaff: true,
  unassignedReviewer: true,
  otherStageReviewer: true,
  wrongRole: PER_FILE,
};
const download = (file: keyof Fixture["evidence"]) => (f: Fixture) => ({
  path: `/api/evidence/${f.evidence[file]}`,
  params: { id: String(f.evidence[file]) },
});

/** City A as stored (every field a client would send back). */
const cityRow = (f: Fixture) => getCityById(state.db!, f.cityA)!;

/** A city's module as the Excel workbook its staff download (lib/questionnaire/workbook.ts). */
async function workbookOf(db: Db, staff: SessionUser, roundId: number, moduleCode: string) {
  const data = loadWorkbookData(db, staff, roundId, moduleCode)!;
  const labels = {
    code: "code",
    name: "name",
    unit: "unit",
    limits: "limits",
    value: "value",
    notApplicable: "na",
    reason: "reason",
    revision: "revision",
    yes: "是",
    no: "否",
    numberLimits: () => "",
    multiHint: "",
    booleanLimits: "",
    urlLimits: "",
    textLimits: "",
  };
  const bytes = await writeQuestionnaireWorkbook({
    target: { roundId, cityCode: data.city.code, moduleCode },
    title: moduleCode,
    items: data.items,
    answers: data.stored,
    labels,
    locale: "zh-CN",
  });
  return new Uint8Array(bytes);
}

const v1 = (path: string, params: Record<string, string>, extra: Partial<RouteCall> = {}): RouteCall => ({
  path: `/api/v1${path}`,
  params,
  ...extra,
});
const OWN_CITY_READ = "the input names only the round; what is read is the caller's own city's (from the token)";
const EVERY_PARTICIPANT =
  "every participant of the round reads its framework (lib/auth/policy.ts maySeeRound): the same for every city";

const ROUTES: Record<string, Case<RouteCall>[]> = {
  "GET /api/v1/openapi.json": [
    {
      target: "the API's OpenAPI document",
      input: () => v1("/openapi.json", {}),
      refuse: PUBLIC("API documentation is public, like the docs page that reads it; it holds no data"),
    },
  ],
  "GET /api/v1/docs": [
    {
      target: "the address of the API reference",
      input: () => v1("/docs", {}),
      refuse: PUBLIC("it only leads to the public API reference page (/api-docs), which holds no data"),
    },
  ],
  "GET /api/v1/me": [
    {
      target: "the token's own user",
      input: () => v1("/me", {}),
      refuse: SELF_SERVICE("no id in the input: it answers who the caller's own token acts as"),
      allow: ["staffA", "deptA", "admin"],
    },
  ],
  "GET /api/v1/rounds": [
    {
      target: "the rounds the caller takes part in",
      input: () => v1("/rounds", {}),
      refuse: SELF_SERVICE("no id in the input: it lists only the rounds the caller takes part in"),
      allow: ["staffA", "reviewer1", "admin"],
    },
  ],
  "GET /api/v1/rounds/[roundId]/framework": [
    {
      target: "the open round's framework",
      input: (f) => v1(`/rounds/${f.open.roundId}/framework`, { roundId: String(f.open.roundId) }),
      refuse: {
        anonymous: true,
        otherCityStaff: { exempt: EVERY_PARTICIPANT },
        unassignedReviewer: true,
        otherStageReviewer: { exempt: EVERY_PARTICIPANT },
        department: { exempt: EVERY_PARTICIPANT },
        wrongRole: { exempt: EVERY_PARTICIPANT },
      },
      alsoRefuse: OUTSIDER,
      allow: ["staffA", "deptA", "reviewer1", "admin"],
    },
    {
      target: "the draft round's framework (not yet open to cities)",
      input: (f) => v1(`/rounds/${f.draftRoundId}/framework`, { roundId: String(f.draftRoundId) }),
      refuse: { ...ADMIN_ONLY, otherCityStaff: true },
      allow: ["admin"],
    },
  ],
  "GET /api/v1/rounds/[roundId]/answers": [
    {
      target: "the caller's city's answers in the open round",
      input: (f) => v1(`/rounds/${f.open.roundId}/answers`, { roundId: String(f.open.roundId) }),
      refuse: {
        ...STAFF_ONLY,
        otherCityStaff: { exempt: OWN_CITY_READ },
        department: { exempt: `${OWN_CITY_READ}; a department user's items only` },
      },
      alsoRefuse: OUTSIDER,
      allow: ["staffA", "deptA"],
    },
  ],
  "GET /api/v1/rounds/[roundId]/status": [
    {
      target: "the caller's city's module statuses in the open round",
      input: (f) => v1(`/rounds/${f.open.roundId}/status`, { roundId: String(f.open.roundId) }),
      refuse: {
        ...STAFF_ONLY,
        otherCityStaff: { exempt: OWN_CITY_READ },
        department: { exempt: `${OWN_CITY_READ}; a department user's modules only` },
      },
      alsoRefuse: OUTSIDER,
      allow: ["staffA", "deptA"],
    },
  ],
  "PUT /api/v1/rounds/[roundId]/answers/[itemCode]": [
    {
      target: "an answer to G1.1 of the open round (A's draft, the department user's item)",
      input: (f) =>
        v1(
          `/rounds/${f.open.roundId}/answers/G1.1`,
          { roundId: String(f.open.roundId), itemCode: "G1.1" },
          { headers: { "content-type": "application/json" }, body: JSON.stringify({ baseRevision: 1, value: 6 }) },
        ),
      refuse: {
        ...STAFF_OWN_CITY,
        department: { exempt: "G1.1 is assigned to A's department user, who fills it (mayFillItem)" },
      },
      alsoRefuse: OUTSIDER,
      allow: ["staffA", "deptA"],
    },
    {
      target: "an answer to G1.2 of the open round (not the department user's item)",
      input: (f) =>
        v1(
          `/rounds/${f.open.roundId}/answers/G1.2`,
          { roundId: String(f.open.roundId), itemCode: "G1.2" },
          { headers: { "content-type": "application/json" }, body: JSON.stringify({ baseRevision: 0, value: 6 }) },
        ),
      refuse: STAFF_OWN_CITY,
      alsoRefuse: OUTSIDER,
      allow: ["staffA"],
    },
  ],
  "POST /api/v1/rounds/[roundId]/evidence/[itemCode]": [
    {
      target: "a link for G1.1 of the open round (the department user's item)",
      input: (f) =>
        v1(
          `/rounds/${f.open.roundId}/evidence/G1.1`,
          { roundId: String(f.open.roundId), itemCode: "G1.1" },
          {
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ url: "https://stats.hangzhou.example.gov.cn/api" }),
          },
        ),
      refuse: {
        ...STAFF_OWN_CITY,
        department: { exempt: "G1.1 is assigned to A's department user, who fills it (mayFillItem)" },
      },
      alsoRefuse: OUTSIDER,
      allow: ["staffA", "deptA"],
    },
    {
      target: "a file for G1.2 of the open round (not the department user's item)",
      input: (f) =>
        v1(
          `/rounds/${f.open.roundId}/evidence/G1.2`,
          { roundId: String(f.open.roundId), itemCode: "G1.2" },
          { headers: { "x-file-name": "api.pdf", "content-type": "application/pdf" }, body: pdf("api") },
        ),
      refuse: STAFF_OWN_CITY,
      alsoRefuse: OUTSIDER,
      allow: ["staffA"],
    },
  ],
  "GET /api/v1/rounds/[roundId]/statuses": [
    {
      target: "every city's statuses in the open round",
      input: (f) => v1(`/rounds/${f.open.roundId}/statuses`, { roundId: String(f.open.roundId) }),
      refuse: ADMIN_ONLY,
      allow: ["admin"],
    },
  ],
  "GET /api/v1/rounds/[roundId]/results": [
    {
      target: "the finalised round's results",
      input: (f) => v1(`/rounds/${f.finalisedRoundId}/results`, { roundId: String(f.finalisedRoundId) }),
      refuse: ADMIN_ONLY,
      allow: ["admin"],
    },
  ],
  "GET /api/questionnaire/workbook": [
    {
      target: "the workbook of A's module G in the open round",
      input: (f) => ({ path: "/api/questionnaire/workbook", query: `roundId=${f.open.roundId}&moduleCode=G` }),
      refuse: STAFF_OWN_CITY,
      alsoRefuse: OUTSIDER,
      allow: ["staffA"],
    },
  ],
  "POST /api/questionnaire/workbook": [
    {
      target: "A's filled-in workbook of module G, applied",
      input: (f) => ({
        path: "/api/questionnaire/workbook",
        query: `roundId=${f.open.roundId}&moduleCode=G&apply=1`,
        headers: { "content-type": "application/octet-stream", "x-file-name": "G.xlsx" },
        body: f.workbookG,
      }),
      refuse: {
        ...STAFF_ONLY,
        otherCityStaff: {
          exempt:
            "the input names a module of the round; the questionnaire read and written is the caller's own city's (B's workbook check refuses A's file)",
        },
      },
      alsoRefuse: OUTSIDER,
      allow: ["staffA"],
    },
  ],
  "PUT /api/answers": [
    {
      target: "an answer to item G1.1 of the open round (A's draft)",
      input: (f) => ({
        path: "/api/answers",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ itemId: f.open.item("G1.1"), baseRevision: 1, value: 6 }),
      }),
      refuse: {
        ...STAFF_OWN_CITY,
        department: {
          exempt: "G1.1 is assigned to A's department user, who fills it (lib/auth/policy.ts mayFillItem)",
        },
      },
      alsoRefuse: OUTSIDER,
      allow: ["staffA", "deptA"],
    },
    {
      target: "an answer to item G1.2 of the open round (A's draft, not assigned to the department user)",
      input: (f) => ({
        path: "/api/answers",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ itemId: f.open.item("G1.2"), baseRevision: 0, value: 6 }),
      }),
      refuse: STAFF_OWN_CITY,
      alsoRefuse: OUTSIDER,
      allow: ["staffA"],
    },
  ],
  "POST /api/evidence": [
    {
      target: "a file for item G1.3 of the open round (A's draft)",
      input: (f) => ({
        path: "/api/evidence",
        query: `itemId=${f.open.item("G1.3")}`,
        headers: { "x-file-name": "upload.pdf", "content-type": "application/pdf" },
        body: pdf("upload"),
      }),
      refuse: {
        ...STAFF_OWN_CITY,
        department: {
          exempt: "G1.3 is assigned to A's department user, who fills it (lib/auth/policy.ts mayFillItem)",
        },
      },
      alsoRefuse: OUTSIDER,
      allow: ["staffA", "deptA"],
    },
    {
      target: "a file for item G1.2 of the open round (A's draft, not assigned to the department user)",
      input: (f) => ({
        path: "/api/evidence",
        query: `itemId=${f.open.item("G1.2")}`,
        headers: { "x-file-name": "upload.pdf", "content-type": "application/pdf" },
        body: pdf("upload"),
      }),
      refuse: STAFF_OWN_CITY,
      alsoRefuse: OUTSIDER,
      allow: ["staffA"],
    },
  ],
  "POST /api/library": [
    {
      target: "a file for A's evidence library in the open round",
      input: (f) => ({
        path: "/api/library",
        query: `roundId=${f.open.roundId}`,
        headers: { "x-file-name": "library.pdf", "content-type": "application/pdf" },
        body: pdf("library"),
      }),
      refuse: {
        ...STAFF_ONLY,
        otherCityStaff: {
          exempt: "the input names only the round, in which every participating city has a library; the caller's own",
        },
      },
      alsoRefuse: OUTSIDER,
      allow: ["staffA"],
    },
  ],
  "GET /api/library/[id]": [
    {
      target: "a file of A's evidence library (attached to nothing)",
      input: (f) => ({ path: `/api/library/${f.library.loose}`, params: { id: String(f.library.loose) } }),
      refuse: { ...NO_REVIEWER, wrongRole: ["reviewer1"] },
      alsoRefuse: OUTSIDER,
      allow: ["staffA", "admin"],
    },
  ],
  "GET /api/evidence/[id]": [
    {
      target: "a file of A's submitted module B",
      input: download("submitted"),
      refuse: {
        anonymous: true,
        department: true,
        otherCityStaff: true,
        unassignedReviewer: true,
        otherStageReviewer: {
          exempt:
            "reviewers of every stage of the module read a submitted version's evidence (lib/auth/policy.ts maySeeSubmission)",
        },
        wrongRole: PER_FILE,
      },
      allow: ["staffA", "reviewer1", "reviewer2", "admin"],
    },
    {
      target: "a file of A's module G, a draft never submitted",
      input: download("draft"),
      refuse: {
        ...NO_REVIEWER,
        department: {
          exempt: "G1.3 is assigned to A's department user, who downloads its files (mayDownloadEvidence)",
        },
      },
      alsoRefuse: { reviewer1: "assigned to module G, but a draft never submitted is the city's alone" },
      allow: ["staffA", "deptA", "admin"],
    },
    {
      target: "a file deleted from A's module B before it was submitted",
      input: download("deleted"),
      refuse: NO_REVIEWER,
      alsoRefuse: {
        reviewer1: "assigned to module B, but deleted files are for admins only",
        staffA: "the city's own staff: deleted files are for admins only",
      },
      allow: ["admin"],
    },
    {
      target: "a file of A's returned module B, deleted after it had been submitted",
      input: download("deletedAfterSubmission"),
      refuse: NO_REVIEWER,
      alsoRefuse: {
        reviewer1: "assigned to module B and reviewed that version, but deleted files are for admins only",
        staffA: "the city's own staff: deleted files are for admins only",
      },
      allow: ["admin"],
    },
    {
      target: "a file uploaded to A's returned module B after the return, not yet resubmitted",
      input: download("afterReturn"),
      refuse: NO_REVIEWER,
      alsoRefuse: {
        reviewer1:
          "assigned to module B, but the file is in no submitted version yet: it is the city's alone until resubmitted",
      },
      allow: ["staffA", "admin"],
    },
  ],
  "GET /api/audit": [
    {
      target: "the whole audit log as CSV",
      input: () => ({ path: "/api/audit" }),
      refuse: ADMIN_ONLY,
      allow: ["admin"],
    },
  ],
  "GET /api/cities/import": [
    {
      target: "the cities template",
      input: () => ({ path: "/api/cities/import" }),
      refuse: ADMIN_ONLY,
      allow: ["admin"],
    },
  ],
  "POST /api/cities/import": [
    {
      target: "an applied import changing city A's province",
      input: (f) => {
        const city = cityRow(f);
        const row = IMPORT_COLUMNS.map((c) => (c.field === "provinceZh" ? "浙江省（改）" : String(city[c.field])));
        return {
          path: "/api/cities/import",
          query: "apply=1",
          headers: { "content-type": "text/csv" },
          body: `${IMPORT_COLUMNS.map((c) => c.header).join(",")}\n${row.join(",")}\n`,
        };
      },
      refuse: ADMIN_ONLY,
      allow: ["admin"],
    },
  ],
  "GET /api/rounds/[id]/export": [
    {
      target: "the item-level results of the finalised round",
      input: (f) => ({
        path: `/api/rounds/${f.finalisedRoundId}/export`,
        params: { id: String(f.finalisedRoundId) },
        query: "format=csv&level=items",
      }),
      refuse: {
        anonymous: true,
        department: true,
        otherCityStaff: true,
        unassignedReviewer: {
          exempt: "every reviewer may export a finalised round's results (lib/auth/policy.ts mayExportResults)",
        },
        otherStageReviewer: {
          exempt: "every reviewer may export a finalised round's results (lib/auth/policy.ts mayExportResults)",
        },
        wrongRole: ["staffA"],
      },
      allow: ["admin", "reviewer1", "unassignedReviewer"],
    },
  ],
  "GET /api/rounds/[id]/bundle": [
    {
      target: "city A's part of the finalised round's verification bundle",
      input: (f) => ({
        path: `/api/rounds/${f.finalisedRoundId}/bundle`,
        params: { id: String(f.finalisedRoundId) },
        query: "city=hangzhou",
      }),
      refuse: {
        anonymous: true,
        department: true,
        otherCityStaff: true,
        unassignedReviewer: true,
        otherStageReviewer: true,
        wrongRole: ["reviewer1"],
      },
      allow: ["admin", "staffA"],
    },
    {
      target: "the whole finalised round's verification bundle (every city's inputs)",
      input: (f) => ({ path: `/api/rounds/${f.finalisedRoundId}/bundle`, params: { id: String(f.finalisedRoundId) } }),
      refuse: {
        anonymous: true,
        department: true,
        otherCityStaff: {
          exempt:
            "city staff without ?city= get their own city's part, never the round's (lib/auth/policy.ts mayDownloadBundle)",
        },
        unassignedReviewer: true,
        otherStageReviewer: true,
        wrongRole: ["reviewer1"],
      },
      allow: ["admin", "staffA"],
    },
  ],
  "GET /api/rounds/[id]/framework": [
    {
      target: "the open round's framework",
      input: (f) => ({ path: `/api/rounds/${f.open.roundId}/framework`, params: { id: String(f.open.roundId) } }),
      refuse: ADMIN_ONLY,
      allow: ["admin"],
    },
  ],
  "PUT /api/rounds/[id]/framework": [
    {
      target: "a new framework for the draft round",
      input: (f) => ({
        path: `/api/rounds/${f.draftRoundId}/framework`,
        params: { id: String(f.draftRoundId) },
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...starterFramework(2020), name: { zh: "替换的指标体系", en: "Replaced framework" } }),
      }),
      refuse: ADMIN_ONLY,
      allow: ["admin"],
    },
  ],
};

const redirected = (result: unknown) => result instanceof NavigationSignal && result.kind === "redirect";

const ACTIONS: Record<string, Case<unknown>[]> = {
  "actions/appeals#fileAppealAction": [
    {
      // Staff of B have no verified module B in that round: an appeal can only ever be on the caller's own city.
      target: "an appeal on item B1.1 of A's verified module (correction window open)",
      input: (f) => ({ itemId: f.appeals.item("B1.1"), reason: "请复核" }),
      refuse: STAFF_ONLY,
      alsoRefuse: OUTSIDER,
      allow: ["staffA"],
    },
  ],
  "actions/appeals#decideAppealAction": [
    {
      target: "A's open appeal on B4.1 (adjusted at stage 1), upheld",
      input: (f) => ({ appealId: f.appeals.appealId, outcome: "upheld", reason: "维持" }),
      refuse: REVIEWER_ONLY,
      allow: ["reviewer1"],
    },
    {
      target: "A's open appeal on B4.1 (adjusted at stage 1), amended to a valid value",
      input: (f) => ({
        appealId: f.appeals.appealId,
        outcome: "amended",
        reason: "按 2019 年公报改为 120",
        value: 120,
      }),
      refuse: REVIEWER_ONLY,
      allow: ["reviewer1"],
    },
  ],
  "actions/appeals#assignAppealAction": [
    {
      target: "A's open appeal, handed to another reviewer",
      input: (f) => ({ appealId: f.appeals.appealId, reviewerId: f.users.unassignedReviewer.id }),
      refuse: ADMIN_ONLY,
      allow: ["admin"],
    },
  ],
  "actions/assignments#addAssignmentAction": [
    {
      target: "a new assignment to module G at stage 1",
      input: (f) => ({
        roundId: f.open.roundId,
        moduleId: f.open.moduleG,
        stageId: f.open.stage1,
        reviewerId: f.users.unassignedReviewer.id,
      }),
      refuse: ADMIN_ONLY,
      allow: ["admin"],
    },
  ],
  "actions/assignments#removeAssignmentAction": [
    {
      target: "reviewer 1's assignment to module B",
      input: (f) => ({ roundId: f.open.roundId, assignmentId: f.open.reviewer1OnB }),
      refuse: ADMIN_ONLY,
      allow: ["admin"],
    },
  ],
  "actions/cities#createCityAction": [
    {
      target: "a new city",
      input: () => ({
        code: "matrix-city",
        nameZh: "矩阵市",
        nameEn: "Matrix City",
        provinceZh: "浙江",
        provinceEn: "Zhejiang",
        region: "east",
        tier: "prefecture",
      }),
      refuse: ADMIN_ONLY,
      allow: ["admin"],
    },
  ],
  "actions/cities#updateCityAction": [
    {
      // (City A took part in the finalised round: its names, region and tier are fixed; its province is not.)
      target: "city A's province",
      input: (f) => {
        const { nameZh, nameEn, provinceEn, region, tier } = cityRow(f);
        return { id: f.cityA, nameZh, nameEn, provinceZh: "浙江省（改）", provinceEn, region, tier };
      },
      refuse: ADMIN_ONLY,
      allow: ["admin"],
    },
  ],
  "actions/cities#setParticipationAction": [
    {
      target: "the draft round's cities",
      input: (f) => ({ roundId: f.draftRoundId, cityIds: [f.cityA] }),
      refuse: ADMIN_ONLY,
      allow: ["admin"],
    },
  ],
  "actions/finalise#markNotSubmittedAction": [
    {
      target: "A's draft module G marked not submitted",
      input: (f) => ({
        roundId: f.open.roundId,
        cells: [{ cityId: f.cityA, moduleId: f.open.moduleG }],
        reason: "逾期",
      }),
      refuse: ADMIN_ONLY,
      allow: ["admin"],
    },
  ],
  // No allowed run: the open round has unfinished modules, so even the admin is (rightly) told it is blocked.
  "actions/finalise#finaliseRoundAction": [
    { target: "the open round", input: (f) => ({ roundId: f.open.roundId }), refuse: ADMIN_ONLY },
  ],
  "actions/finalise#reopenRoundAction": [
    {
      target: "the finalised round",
      input: (f) => ({ roundId: f.finalisedRoundId, reason: "更正" }),
      refuse: ADMIN_ONLY,
      allow: ["admin"],
    },
  ],
  "actions/notifications#markAllReadAction": [
    {
      target: "the caller's own notifications (reviewer 1 has unread ones)",
      input: () => undefined,
      refuse: SELF_SERVICE("no id in the input: it marks only the caller's own notifications"),
      // A form action: it returns nothing either way (defineAction's result stays on the server). An anonymous call is refused by doing nothing,
      // which the fingerprint checks; the allowed call must then visibly write.
      refusedIf: (result) => result === undefined,
      allowedIf: (result) => result === undefined,
      allowedWrites: true,
      allow: ["reviewer1"],
    },
  ],
  "actions/questionnaire#addLinkEvidenceAction": [
    {
      target: "a link for item G1.1 of the open round (A's draft)",
      input: (f) => ({ itemId: f.open.item("G1.1"), url: "https://stats.hangzhou.example.gov.cn/G1.1" }),
      refuse: {
        ...STAFF_OWN_CITY,
        department: {
          exempt: "G1.1 is assigned to A's department user, who fills it (lib/auth/policy.ts mayFillItem)",
        },
      },
      alsoRefuse: OUTSIDER,
      allow: ["staffA", "deptA"],
    },
    {
      target: "a link for item G1.2 of the open round (A's draft, not assigned to the department user)",
      input: (f) => ({ itemId: f.open.item("G1.2"), url: "https://stats.hangzhou.example.gov.cn/G1.2" }),
      refuse: STAFF_OWN_CITY,
      alsoRefuse: OUTSIDER,
      allow: ["staffA"],
    },
  ],
  "actions/questionnaire#deleteEvidenceAction": [
    {
      target: "a file of A's draft module G",
      input: (f) => ({ evidenceId: f.evidence.draft }),
      refuse: {
        ...STAFF_ONLY,
        department: {
          exempt:
            "G1.3 (the file's item) is assigned to A's department user, who fills it (lib/auth/policy.ts mayFillItem)",
        },
      },
      alsoRefuse: OUTSIDER,
      allow: ["staffA", "deptA"],
    },
    {
      target: "a file of A's item B1.1, not assigned to the department user (module B submitted, so no one may)",
      input: (f) => ({ evidenceId: f.evidence.submitted }),
      refuse: STAFF_ONLY,
      alsoRefuse: OUTSIDER,
    },
  ],
  "actions/library#attachLibraryFileAction": [
    {
      target: "a file of A's library, to item G1.1 of A's draft module G",
      input: (f) => ({ fileId: f.library.attached, itemIds: [f.open.item("G1.1")] }),
      refuse: {
        ...STAFF_ONLY,
        department: {
          exempt: "G1.1 is assigned to A's department user, who fills it (lib/auth/policy.ts mayFillItem)",
        },
      },
      alsoRefuse: OUTSIDER,
      allow: ["staffA", "deptA"],
    },
    {
      target: "a file of A's library the lead uploaded and attached to nothing, to G1.1 (the department user's item)",
      input: (f) => ({ fileId: f.library.loose, itemIds: [f.open.item("G1.1")] }),
      refuse: STAFF_ONLY,
      alsoRefuse: OUTSIDER,
      allow: ["staffA"],
    },
    {
      target: "a file of A's library, to item G1.2 of A's draft module G (not assigned to the department user)",
      input: (f) => ({ fileId: f.library.attached, itemIds: [f.open.item("G1.2")] }),
      refuse: STAFF_ONLY,
      alsoRefuse: OUTSIDER,
      allow: ["staffA"],
      // The department user's refusal lists the item refused and why (notYourItem).
      refusedIf: (result) =>
        (result as { details?: { refused?: { reason: string }[] } }).details?.refused?.[0]?.reason === "notYourItem",
    },
  ],
  "actions/library#removeLibraryFileAction": [
    {
      target: "a file of A's library attached to nothing",
      input: (f) => ({ fileId: f.library.loose }),
      refuse: STAFF_ONLY,
      alsoRefuse: OUTSIDER,
      allow: ["staffA"],
    },
  ],
  "actions/webhooks#createWebhookAction": [
    {
      target: "a new webhook for submissions",
      input: () => ({ url: "https://tools.example.gov.cn/hook", events: ["submitted", "verified"] }),
      refuse: ADMIN_ONLY,
      allow: ["admin"],
    },
  ],
  "actions/webhooks#setWebhookActiveAction": [
    {
      target: "the webhook, deactivated",
      input: (f) => ({ webhookId: f.webhook.id, active: false }),
      refuse: ADMIN_ONLY,
      allow: ["admin"],
    },
  ],
  "actions/webhooks#retryDeliveryAction": [
    {
      target: "a failed delivery, queued again",
      input: (f) => ({ deliveryId: f.webhook.failedDelivery }),
      refuse: ADMIN_ONLY,
      allow: ["admin"],
    },
  ],
  "actions/tokens#createTokenAction": [
    {
      target: "a token for the caller themselves",
      input: () => ({ name: "数据平台", scope: "read", expiresInDays: 30 }),
      refuse: SELF_SERVICE("no user in the input: the token is the caller's own"),
      allow: ["staffA", "deptA", "reviewer1", "admin"],
    },
    {
      target: "a reading token for city A's lead, made by someone else",
      input: (f) => ({ name: "数据平台", scope: "read", expiresInDays: 30, userId: f.users.staffA.id }),
      refuse: { ...ADMIN_ONLY, wrongRole: ["reviewer1"] },
      allow: ["staffA", "admin"],
    },
  ],
  "actions/tokens#revokeTokenAction": [
    {
      target: "city A's lead's token",
      input: (f) => ({ tokenId: f.tokenIds.staffA }),
      refuse: { ...ADMIN_ONLY, wrongRole: ["reviewer1"] },
      allow: ["staffA", "admin"],
    },
  ],
  "actions/reminders#previewRemindersAction": [
    {
      target: "who a reminder of the open round's deadline would reach",
      input: (f) => ({ roundId: f.open.roundId }),
      refuse: ADMIN_ONLY,
      allow: ["admin"],
    },
  ],
  "actions/reminders#sendRemindersAction": [
    {
      target: "a reminder to city A of the open round's deadline",
      input: (f) => ({ roundId: f.open.roundId, cityIds: [f.cityA], note: "请尽快提交" }),
      refuse: ADMIN_ONLY,
      allow: ["admin"],
      allowedWrites: true,
    },
  ],
  "actions/departments#inviteDepartmentUserAction": [
    {
      target: "a new department user (of the caller's own city: the input names none)",
      input: () => ({
        email: "new-dept@matrix.test",
        name: "新同事",
        department: "发改委",
        password: "temporary-pw-1",
      }),
      refuse: {
        ...STAFF_ONLY,
        otherCityStaff: {
          exempt: "the input names no city: the account is created for the caller's own city, from the session",
        },
      },
      allow: ["staffA"],
    },
  ],
  "actions/departments#setDepartmentUserActiveAction": [
    {
      target: "A's department user, deactivated",
      input: (f) => ({ userId: f.users.deptA.id, active: false }),
      refuse: STAFF_ONLY,
      alsoRefuse: OUTSIDER,
      allow: ["staffA"],
    },
  ],
  "actions/departments#assignItemsAction": [
    {
      target: "item G1.2 of the open round, assigned to A's department user",
      input: (f) => ({ roundId: f.open.roundId, itemIds: [f.open.item("G1.2")], userId: f.users.deptA.id }),
      refuse: STAFF_ONLY,
      alsoRefuse: OUTSIDER,
      allow: ["staffA"],
    },
    {
      target: "items G1.1 and G1.3 of the open round, taken back from A's department user",
      input: (f) => ({ roundId: f.open.roundId, itemIds: [f.open.item("G1.1"), f.open.item("G1.3")], userId: null }),
      refuse: {
        ...STAFF_ONLY,
        otherCityStaff: {
          exempt:
            "items belong to the round, not to a city; B's lead taking them back changes B's own (empty) assignments only",
        },
      },
      alsoRefuse: OUTSIDER,
      allow: ["staffA"],
    },
  ],
  "actions/questionnaire#prefillAction": [
    {
      target: "module A of the round cloned from the finalised one",
      input: (f) => ({ roundId: f.next.roundId, moduleCode: "A" }),
      refuse: STAFF_OWN_CITY,
      alsoRefuse: OUTSIDER,
      allow: ["staffA"],
    },
  ],
  "actions/questionnaire#confirmPrefilledAction": [
    {
      target: "A's value of A1.1 copied from last round",
      input: (f) => ({ itemId: f.next.item("A1.1") }),
      refuse: STAFF_ONLY,
      alsoRefuse: OUTSIDER,
      allow: ["staffA"],
    },
  ],
  "actions/questionnaire#submitModuleAction": [
    {
      target: "module B of the round where A's is returned",
      input: (f) => ({ roundId: f.returned.roundId, moduleCode: "B" }),
      refuse: STAFF_OWN_CITY,
      alsoRefuse: OUTSIDER,
      allow: ["staffA"],
    },
  ],
  "actions/calibration#drawCalibrationAction": [
    {
      target: "a sample of the open round's stage 1 for a blind second review",
      input: (f) => ({
        roundId: f.open.roundId,
        stageId: f.open.stage1,
        sharePct: 100,
        reviewerIds: [f.users.unassignedReviewer.id],
      }),
      refuse: ADMIN_ONLY,
      allow: ["admin"],
    },
  ],
  "actions/calibration#cancelCalibrationAction": [
    {
      target: "the open calibration of A's module B, withdrawn with a reason",
      input: (f) => ({ calibrationId: f.calibration.id, reason: "误抽" }),
      refuse: ADMIN_ONLY,
      allow: ["admin"],
    },
  ],
  "actions/calibration#decideCalibrationItemAction": [
    {
      target: "item B4.1 of the calibration of A's module B, adjusted to a valid value",
      input: (f) => ({
        calibrationId: f.calibration.id,
        itemId: f.calibration.item("B4.1"),
        decision: { action: "adjust", value: 45, comment: "校准核减" },
      }),
      refuse: CALIBRATOR_ONLY,
      alsoRefuse: { reviewer1: "the first reviewer of the version: the calibration is not theirs (it is blind)" },
      allow: ["unassignedReviewer"],
    },
  ],
  "actions/calibration#withdrawCalibrationItemAction": [
    {
      target: "the calibration's decision on item B1.1",
      input: (f) => ({ calibrationId: f.calibration.id, itemId: f.calibration.item("B1.1") }),
      refuse: CALIBRATOR_ONLY,
      alsoRefuse: { reviewer1: "the first reviewer of the version: the calibration is not theirs (it is blind)" },
      allow: ["unassignedReviewer"],
    },
  ],
  "actions/calibration#completeCalibrationAction": [
    {
      target: "the calibration of A's module B, every item decided",
      input: (f) => ({ calibrationId: f.calibration.id }),
      refuse: CALIBRATOR_ONLY,
      alsoRefuse: { reviewer1: "the first reviewer of the version: the calibration is not theirs (it is blind)" },
      allow: ["unassignedReviewer"],
    },
  ],
  "actions/review#dismissFlagAction": [
    {
      target: "a plausibility flag on B1.1 of A's submitted module B (there is none: two cities are no peer group)",
      input: (f) => ({ submissionId: f.open.submissionId, itemCode: "B1.1", kind: "peer", reason: "属实" }),
      refuse: {
        ...REVIEWER_ONLY,
        otherStageReviewer: {
          exempt:
            "reviewers of every stage of the module weigh its flags (lib/auth/policy.ts maySeeFlags); here there is no flag to dismiss",
        },
        wrongRole: ["staffA"],
      },
      // Who may dismiss a flag that exists is db/plausibility.test.ts's (it needs a peer group of five cities).
    },
  ],
  "actions/review#decideItemAction": [
    {
      target: "item B1.1 of A's module B at stage 1",
      input: (f) => ({
        submissionId: f.open.submissionId,
        version: 1,
        itemId: f.open.item("B1.1"),
        decision: { action: "accept" },
      }),
      refuse: REVIEWER_ONLY,
      allow: ["reviewer1"],
    },
    {
      target: "an adjustment of item B4.1 of A's module B at stage 1, to a valid value",
      input: (f) => ({
        submissionId: f.open.submissionId,
        version: 1,
        itemId: f.open.item("B4.1"),
        decision: { action: "adjust", value: 45, comment: "按统计局口径核减" },
      }),
      refuse: REVIEWER_ONLY,
      allow: ["reviewer1"],
    },
  ],
  "actions/review#withdrawItemDecisionAction": [
    {
      target: "reviewer 1's decision on item B1.2 of A's module B",
      input: (f) => ({ submissionId: f.open.submissionId, version: 1, itemId: f.open.item("B1.2") }),
      refuse: REVIEWER_ONLY,
      allow: ["reviewer1"],
    },
  ],
  "actions/review#approveAction": [
    {
      target: "A's module B at stage 1",
      input: (f) => ({ submissionId: f.open.submissionId, version: 1 }),
      refuse: REVIEWER_ONLY,
      allow: ["reviewer1"],
    },
  ],
  // No allowed run: returning needs a query first, so even reviewer 1 is (rightly) refused with returnNeedsQuery.
  "actions/review#returnAction": [
    {
      target: "A's module B at stage 1",
      input: (f) => ({ submissionId: f.open.submissionId, version: 1, comment: "请修改" }),
      refuse: REVIEWER_ONLY,
    },
  ],
  "actions/review#bulkApproveAction": [
    {
      target: "A's module B at stage 1",
      input: (f) => ({ submissionIds: [f.open.submissionId] }),
      refuse: REVIEWER_ONLY,
      // Bulk approval skips what the reviewer may not approve and reports the count: nothing approved is a refusal.
      refusedIf: (result) => isOk(result) && (result.data as { approved: number }).approved === 0,
      allowedIf: (result) => isOk(result) && (result.data as { approved: number }).approved === 1,
      allow: ["reviewer1"],
    },
  ],
  "actions/review#replyToQueryAction": [
    {
      target: "the query on B2.1 of A's returned module",
      input: (f) => ({ itemReviewId: f.returned.queryId, reply: "已补充" }),
      refuse: STAFF_ONLY,
      alsoRefuse: OUTSIDER,
      allow: ["staffA"],
    },
  ],
  "actions/review#reopenAction": [
    {
      target: "A's verified module B",
      input: (f) => ({ submissionId: f.appeals.submissionId, reason: "抽查" }),
      refuse: ADMIN_ONLY,
      allow: ["admin"],
    },
  ],
  "actions/rounds#cloneRoundAction": [
    {
      target: "a copy of the open round",
      input: (f) => ({ sourceId: f.open.roundId, name: "矩阵：克隆", year: 2021 }),
      refuse: ADMIN_ONLY,
      allow: ["admin"],
      allowedIf: redirected,
    },
  ],
  "actions/rounds#createRoundAction": [
    {
      target: "a new round",
      input: () => ({ name: "矩阵：新轮次", year: 2021, base: "starter", allCities: false }),
      refuse: ADMIN_ONLY,
      allow: ["admin"],
      allowedIf: redirected,
    },
  ],
  "actions/rounds#updateRoundSettingsAction": [
    {
      target: "the open round's settings",
      input: (f) => ({ roundId: f.open.roundId, name: f.open.name, year: 2019, submissionDeadline: "2099-12-31" }),
      refuse: ADMIN_ONLY,
      allow: ["admin"],
    },
  ],
  "actions/rounds#openRoundAction": [
    { target: "the draft round", input: (f) => ({ roundId: f.draftRoundId }), refuse: ADMIN_ONLY, allow: ["admin"] },
  ],
  "actions/session#signInAction": [
    {
      target: "city A staff's account",
      input: (f) => ({ email: f.users.staffA.email, password: "not-the-password" }),
      refuse: PUBLIC(
        "public by design: signing in is what an anonymous visitor does (wrong passwords and lockout: db/users.test.ts, e2e)",
      ),
    },
  ],
  "actions/session#resumeSessionAction": [
    {
      target: "city A staff's account, signing in again after the session ended",
      input: (f) => ({ email: f.users.staffA.email, password: "not-the-password" }),
      refuse: PUBLIC(
        "public by design: it is signing in (same credentials check and throttle as signInAction), for a visitor whose session ended",
      ),
    },
  ],
  "actions/session#setLocaleAction": [
    {
      target: "the caller's language",
      input: () => ({ locale: "en" }),
      refuse: PUBLIC(
        "public by design: the sign-in page's language is a cookie; a signed-in caller changes only their own row (no id in the input)",
      ),
    },
  ],
  "actions/session#signOutAction": [
    {
      target: "the caller's session",
      input: () => undefined,
      refuse: PUBLIC("public by design: signing out ends the caller's own session and writes nothing"),
    },
  ],
  "actions/users#createUserAction": [
    {
      target: "a new reviewer account",
      input: () => ({
        email: "new-reviewer@matrix.test",
        name: "新专家",
        role: "reviewer",
        password: "temporary-password-1",
      }),
      refuse: ADMIN_ONLY,
      allow: ["admin"],
    },
  ],
  "actions/users#resetPasswordAction": [
    {
      target: "city A staff's password",
      input: (f) => ({ userId: f.users.staffA.id, password: "temporary-password-1" }),
      refuse: ADMIN_ONLY,
      allow: ["admin"],
    },
  ],
  "actions/users#unlockUserAction": [
    {
      target: "city A staff's account",
      input: (f) => ({ userId: f.users.staffA.id }),
      refuse: ADMIN_ONLY,
      allow: ["admin"],
    },
  ],
  "actions/users#setUserActiveAction": [
    {
      target: "city A staff's account, deactivated",
      input: (f) => ({ userId: f.users.staffA.id, active: false }),
      refuse: ADMIN_ONLY,
      allow: ["admin"],
    },
  ],
  "actions/users#changePasswordAction": [
    {
      target: "the caller's own password",
      input: () => ({ current: PASSWORD, next: "a-new-password-1", confirm: "a-new-password-1" }),
      refuse: SELF_SERVICE("no id in the input: it changes only the caller's own password, proving the current one"),
      allow: ["staffA"],
      allowedIf: redirected,
    },
  ],
};

// ---------------------------------------------------------------------------------------------------------
// Enumerating the code, calling it, judging the outcome.

const APP_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(APP_DIR);
const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

type Handler = (request: NextRequest, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Action = (input: unknown) => Promise<unknown>;

function sourceFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .map((f) => f.split(path.sep).join("/"))
    .filter((f) => /\.(ts|tsx|js|jsx|mjs)$/.test(f) && !/\.test\.|\.spec\./.test(f));
}

/** Every route handler of the app tree, as "METHOD /url/[param]" (route groups are not part of the URL). */
async function enumerateRoutes(): Promise<Map<string, Handler>> {
  const handlers = new Map<string, Handler>();
  for (const file of sourceFiles(APP_DIR).filter((f) => /(^|\/)route\.\w+$/.test(f))) {
    const url = `/${file
      .split("/")
      .slice(0, -1)
      .filter((segment) => !/^\(.+\)$/.test(segment))
      .join("/")}`;
    const mod = (await import(/* @vite-ignore */ path.join(APP_DIR, file))) as Record<string, unknown>;
    for (const method of HTTP_METHODS)
      if (typeof mod[method] === "function") handlers.set(`${method} ${url}`, mod[method] as Handler);
  }
  return handlers;
}

const USE_SERVER = /^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*(["'])use server\1/;

/** Every export of every "use server" file under app/actions, as "actions/<file>#<export>". */
async function enumerateActions(): Promise<{ actions: Map<string, Action>; problems: string[] }> {
  const actions = new Map<string, Action>();
  const problems: string[] = [];
  for (const file of sourceFiles(path.join(APP_DIR, "actions"))) {
    if (!USE_SERVER.test(fs.readFileSync(path.join(APP_DIR, "actions", file), "utf8")))
      problems.push(`app/actions/${file} does not start with "use server"`);
    const mod = (await import(/* @vite-ignore */ path.join(APP_DIR, "actions", file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod)) {
      if (typeof value === "function") actions.set(`actions/${file.replace(/\.\w+$/, "")}#${name}`, value as Action);
      else problems.push(`app/actions/${file} exports ${name}, which is not a function`);
    }
  }
  // Server actions anywhere else (a "use server" file or an inline one) would escape the enumeration.
  for (const dir of ["app", "components", "lib"]) {
    for (const file of sourceFiles(path.join(ROOT, dir))) {
      if (dir === "app" && file.startsWith("actions/")) continue;
      if (/(["'])use server\1/.test(fs.readFileSync(path.join(ROOT, dir, file), "utf8")))
        problems.push(`${dir}/${file} declares server actions outside app/actions`);
    }
  }
  return { actions, problems };
}

type Outcome =
  | { kind: "response"; status: number; body: string }
  | { kind: "result"; result: unknown }
  | { kind: "signal"; signal: InstanceType<typeof NavigationSignal> };

function isOk(result: unknown): result is { ok: true; data: unknown } {
  return typeof result === "object" && result !== null && (result as { ok?: unknown }).ok === true;
}

/** What counts as an authorization refusal from the data layer or the action wrapper (not a validation error). */
const REFUSAL_KEYS = [
  "unauthenticated",
  "forbidden",
  "roleNotAllowed",
  "notFound",
  "notAssigned",
  "notYourItem",
  "sameReviewerTwice",
  "passwordChangeRequired",
];
/** For routes: 401 (not signed in), 403 (role, assignment) and 404 (not yours, or not there). No 400 is accepted. */
const REFUSAL_STATUSES = [401, 403, 404];

function summary(outcome: Outcome): string {
  if (outcome.kind === "response") return `HTTP ${outcome.status} ${outcome.body.slice(0, 200)}`;
  if (outcome.kind === "signal") return outcome.signal.message;
  return JSON.stringify(outcome.result) ?? "undefined";
}

function isRefusal(outcome: Outcome, c: Case<unknown>): boolean {
  if (outcome.kind === "response") return REFUSAL_STATUSES.includes(outcome.status);
  if (outcome.kind === "signal")
    return outcome.signal.kind === "notFound" || /^\/(signin|account\/password)\b/.test(outcome.signal.url);
  const result = outcome.result as { ok?: unknown; formError?: unknown } | undefined;
  if (c.refusedIf?.(outcome.result)) return true;
  return result?.ok === false && REFUSAL_KEYS.includes(String(result.formError));
}

function isAnonymousRefusal(outcome: Outcome, c: Case<unknown>): boolean {
  if (outcome.kind === "response") return outcome.status === 401;
  if (c.refusedIf) return isRefusal(outcome, c);
  return (
    outcome.kind === "result" &&
    (outcome.result as { formError?: unknown } | undefined)?.formError === "unauthenticated"
  );
}

function isAllowed(outcome: Outcome, c: Case<unknown>): boolean {
  if (outcome.kind === "response") return outcome.status >= 200 && outcome.status < 300;
  const value = outcome.kind === "signal" ? outcome.signal : outcome.result;
  return c.allowedIf ? c.allowedIf(value) : isOk(value);
}

/** sha256 of each table's full contents (every row, in rowid order) and of every evidence file. */
function fingerprint(): Record<string, string> {
  const sqlite = state.db!.$client;
  const prints: Record<string, string> = {};
  for (const table of sqlite
    .prepare("select name from sqlite_master where type = 'table' order by name")
    .pluck()
    .all() as string[]) {
    const hash = createHash("sha256");
    // When a token was last used is bookkeeping of the call itself (refused or not), not data it changed.
    const columns = table === "api_tokens" ? "id, user_id, token_hash, scope, expires_at, revoked_at" : "*";
    for (const row of sqlite
      .prepare(`select ${columns} from "${table.replaceAll('"', '""')}" order by rowid`)
      .raw()
      .iterate())
      hash.update(`${JSON.stringify(row)}\n`);
    prints[table] = hash.digest("hex");
  }
  const root = path.join(process.env.DATA_DIR!, "evidence");
  const files = fs.existsSync(root)
    ? (fs.readdirSync(root, { recursive: true }) as string[])
        .filter((f) => fs.statSync(path.join(root, f)).isFile())
        .sort()
    : [];
  prints["evidence files"] = createHash("sha256")
    .update(
      files
        .map(
          (f) =>
            `${f} ${createHash("sha256")
              .update(fs.readFileSync(path.join(root, f)))
              .digest("hex")}`,
        )
        .join("\n"),
    )
    .digest("hex");
  return prints;
}

let fixture: Fixture;
let routes: Map<string, Handler>;
let actions: Map<string, Action>;
let actionProblems: string[];
let dataDir: string;

async function invoke(key: string, c: Case<unknown>, caller: Caller): Promise<Outcome> {
  state.callerId = caller === "anonymous" ? null : fixture.users[caller].id;
  try {
    if (key in ROUTES) {
      const [method] = key.split(" ");
      const call = c.input(fixture) as RouteCall;
      // /api/v1 authenticates by bearer token, not by the session: each caller sends their own.
      const bearer =
        call.path.startsWith("/api/v1/") && caller !== "anonymous"
          ? { authorization: `Bearer ${fixture.tokens[caller]}` }
          : undefined;
      const request = new NextRequest(`http://cityeval.test${call.path}${call.query ? `?${call.query}` : ""}`, {
        method,
        headers: { ...call.headers, ...bearer },
        body: call.body,
      });
      const handler = routes.get(key);
      if (!handler) throw new Error(`no handler for ${key}`);
      const response = await handler(request, { params: Promise.resolve(call.params ?? {}) });
      return { kind: "response", status: response.status, body: await response.text() };
    }
    const action = actions.get(key);
    if (!action) throw new Error(`no action ${key}`);
    return { kind: "result", result: await action(c.input(fixture)) };
  } catch (error) {
    if (error instanceof NavigationSignal) return { kind: "signal", signal: error };
    throw error;
  } finally {
    state.callerId = null;
  }
}

/** The callers a case must refuse, with why. */
function refusedCallers(c: Case<unknown>): [Caller, string][] {
  const list: [Caller, string][] = [];
  for (const [cls, caller] of Object.entries(CLASS_CALLER) as [keyof typeof CLASS_CALLER, Caller][]) {
    if (c.refuse[cls] === true) list.push([caller, cls]);
  }
  if (Array.isArray(c.refuse.wrongRole)) for (const caller of c.refuse.wrongRole) list.push([caller, "wrong role"]);
  for (const [caller, why] of Object.entries(c.alsoRefuse ?? {}) as [Caller, string][]) list.push([caller, why]);
  return list;
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cityeval-matrix-"));
  vi.stubEnv("DATA_DIR", dataDir);
  state.db = createTestDb();
  fixture = await seed(state.db);
  routes = await enumerateRoutes();
  ({ actions, problems: actionProblems } = await enumerateActions());
}, 60_000);

afterAll(() => {
  state.db?.$client.close();
  vi.unstubAllEnvs();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("the authorization matrix", () => {
  it("accounts for every class of caller in every entry, and never both refuses and allows one", () => {
    for (const [key, cases] of [...Object.entries(ROUTES), ...Object.entries(ACTIONS)] as [string, Case<unknown>[]][]) {
      for (const c of cases) {
        const exemptions = Object.values(c.refuse).filter(
          (rule): rule is Exempt => typeof rule === "object" && "exempt" in rule,
        );
        expect(
          exemptions.every((e) => e.exempt.trim().length > 20),
          `${key}: every exemption says why`,
        ).toBe(true);
        const refused = refusedCallers(c).map(([caller]) => caller);
        expect(
          (c.allow ?? []).filter((caller) => refused.includes(caller)),
          `${key}: callers both refused and allowed`,
        ).toEqual([]);
        expect(
          Object.keys(c.knownIssues ?? {}).filter((caller) => !refused.includes(caller as Caller)),
          `${key}: known issues of callers not refused`,
        ).toEqual([]);
      }
    }
  });

  it("has an entry for every route handler and server action of the code, and none for anything else", () => {
    expect(actionProblems).toEqual([]);
    // The exclusions exist and are the only routes left out.
    expect(
      EXCLUDED_ROUTES.filter((key) => !routes.has(key)),
      "excluded routes that no longer exist",
    ).toEqual([]);
    const enumeratedRoutes = [...routes.keys()].filter((key) => !EXCLUDED_ROUTES.includes(key)).sort();
    expect(
      enumeratedRoutes.filter((key) => !(key in ROUTES)),
      "route handlers without an entry in the matrix",
    ).toEqual([]);
    expect(
      Object.keys(ROUTES).filter((key) => !routes.has(key)),
      "matrix entries without a route handler",
    ).toEqual([]);
    expect(Object.keys(ROUTES).filter((key) => EXCLUDED_ROUTES.includes(key))).toEqual([]);
    const enumeratedActions = [...actions.keys()].sort();
    expect(
      enumeratedActions.filter((key) => !(key in ACTIONS)),
      "server actions without an entry in the matrix",
    ).toEqual([]);
    expect(
      Object.keys(ACTIONS).filter((key) => !actions.has(key)),
      "matrix entries without a server action",
    ).toEqual([]);
    expect(enumeratedRoutes.length + enumeratedActions.length).toBe(
      Object.keys(ROUTES).length + Object.keys(ACTIONS).length,
    );
  });

  for (const [key, cases] of [...Object.entries(ROUTES), ...Object.entries(ACTIONS)] as [string, Case<unknown>[]][]) {
    // Entries public by design run nothing: their exemptions are checked above.
    if (cases.every((c) => !refusedCallers(c).length && !c.allow?.length)) continue;
    describe(key, () => {
      for (const c of cases) {
        for (const [caller, why] of refusedCallers(c)) {
          const issue = c.knownIssues?.[caller];
          (issue ? it.fails : it)(
            `${issue ? `KNOWN ISSUE (${issue}): ` : ""}${c.target}: refuses ${CALLERS[caller]} (${why}) and changes nothing`,
            async () => {
              const before = fingerprint();
              const outcome = await invoke(key, c, caller);
              const label = `${key} as ${caller}: ${summary(outcome)}`;
              expect(caller === "anonymous" ? isAnonymousRefusal(outcome, c) : isRefusal(outcome, c), label).toBe(true);
              expect(fingerprint(), `${label}: the data changed`).toEqual(before);
            },
          );
        }
        for (const caller of c.allow ?? []) {
          it(`${c.target}: allows ${CALLERS[caller]}`, async () => {
            const sqlite = state.db!.$client;
            const before = fingerprint();
            // Undone afterwards (nested transactions of the code become savepoints), so later cases see the seed.
            sqlite.exec("begin");
            try {
              const outcome = await invoke(key, c, caller);
              expect(isAllowed(outcome, c), `${key} as ${caller}: ${summary(outcome)}`).toBe(true);
              if (c.allowedWrites) expect(fingerprint(), `${key} as ${caller} wrote nothing`).not.toEqual(before);
            } finally {
              sqlite.exec("rollback");
            }
          });
        }
      }
    });
  }
});
