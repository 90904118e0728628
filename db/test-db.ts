import "server-only";
import { and, eq } from "drizzle-orm";
import type { SessionUser } from "@/lib/domain";
import { saveAnswer } from "./answers";
import { appendAudit } from "./audit";
import { getCityByCode } from "./cities";
import { type Db, openDatabase } from "./client";
import { loadFrameworkFile } from "./data-files";
import { addEvidence } from "./evidence";
import { finaliseRound, listBlockers, markNotSubmitted } from "./finalise";
import { runMigrations } from "./migrate";
import { createRound } from "./rounds";
import { items, modules, reviewAssignments, reviewStages, rounds } from "./schema";
import { seedBase } from "./seed";
import { getQuestionnaire, submitModule } from "./submissions";
import { upsertUser } from "./users";

/** A fresh, migrated in-memory database for one test. */
export function createTestDb(): Db {
  const db = openDatabase(":memory:");
  runMigrations(db);
  return db;
}

/** A user of the test database, as the session would describe them. */
export async function createTestUser(
  db: Db,
  email: string,
  role: SessionUser["role"],
  cityCode?: string,
): Promise<SessionUser> {
  const cityId = cityCode ? getCityByCode(db, cityCode)!.id : null;
  const name = email.split("@")[0]!;
  const id = await upsertUser(db, { email, name, password: "pw", role, cityId });
  return { id, email, name, role, cityId, locale: "zh-CN" };
}

/** Module B of the 2019 framework, answered in full (B4.1 = 156.4, which reviewers like to adjust to 45). */
export const MODULE_B_VALUES: Record<string, unknown> = {
  "B1.1": 12,
  "B1.2": 88,
  "B1.3": 70,
  "B2.1": true,
  "B2.2": 80,
  "B2.3": "paas",
  "B3.1": "linked",
  "B3.2": ["population"],
  "B3.3": 500,
  "B4.1": 156.4,
  "B4.2": "built",
  "B4.3": 60,
};

/**
 * A 2019-framework round of its own (Hangzhou and Ningbo, so that closing it stays quick) with a reviewer of
 * module B at each stage, Hangzhou staff, Ningbo staff and an admin; `submitB` fills module B with evidence
 * and submits it as Hangzhou, returning the submission id.
 */
export async function createModuleBRound(db: Db, name: string) {
  seedBase(db);
  const roundId = createRound(
    db,
    { name, year: 2019, status: "open", cityIds: ["hangzhou", "ningbo"].map((c) => getCityByCode(db, c)!.id) },
    loadFrameworkFile(2019),
    null,
  );
  const staff = await createTestUser(db, "staff@x.org", "city_staff", "hangzhou");
  const other = await createTestUser(db, "other@x.org", "city_staff", "ningbo");
  const initial = await createTestUser(db, "initial@x.org", "reviewer");
  const final = await createTestUser(db, "final@x.org", "reviewer");
  const admin = await createTestUser(db, "admin@x.org", "admin");
  const b = db
    .select()
    .from(modules)
    .where(and(eq(modules.roundId, roundId), eq(modules.code, "B")))
    .get()!;
  const [stage1, stage2] = db
    .select()
    .from(reviewStages)
    .where(eq(reviewStages.roundId, roundId))
    .orderBy(reviewStages.position)
    .all();
  db.insert(reviewAssignments).values({ roundId, moduleId: b.id, stageId: stage1!.id, reviewerId: initial.id }).run();
  db.insert(reviewAssignments).values({ roundId, moduleId: b.id, stageId: stage2!.id, reviewerId: final.id }).run();
  const itemId = (code: string) =>
    db
      .select()
      .from(items)
      .where(and(eq(items.roundId, roundId), eq(items.code, code)))
      .get()!.id;
  const submitB = () => {
    for (const [code, value] of Object.entries(MODULE_B_VALUES)) {
      saveAnswer(db, staff, { itemId: itemId(code), baseRevision: 0, value, notApplicableReason: null });
      addEvidence(db, staff, itemId(code), { kind: "url", url: `https://stats.hangzhou.example.gov.cn/${code}` });
    }
    const submitted = submitModule(db, staff, roundId, "B");
    if (!submitted.ok) throw new Error(`submit B: ${submitted.reason}`);
    return getQuestionnaire(db, roundId, staff.cityId!, "B")!.submission!.id;
  };
  /** Marks every module not verified as not submitted, as an admin closing the round would, and finalises it. */
  const closeAndFinalise = () => {
    for (const blocker of listBlockers(db, roundId)) {
      const moduleId = db
        .select()
        .from(modules)
        .where(and(eq(modules.roundId, roundId), eq(modules.code, blocker.moduleCode)))
        .get()!.id;
      const marked = markNotSubmitted(db, admin, {
        roundId,
        cityId: blocker.cityId,
        moduleId,
        reason: "截止日前未提交",
      });
      if (!marked.ok) throw new Error(`mark not submitted: ${marked.reason}`);
    }
    const finalised = finaliseRound(db, admin, roundId);
    if (!finalised.ok) throw new Error(`finalise: ${finalised.reason}`);
  };
  return { roundId, staff, other, initial, final, admin, itemId, submitB, closeAndFinalise };
}

/**
 * Moves a round's status as the app does: its audited transition first (the database refuses a bare status
 * change, drizzle/0007). For tests that need a round in a state without walking the whole workflow.
 */
export function setRoundStatus(db: Db, roundId: number, status: "open" | "finalised") {
  const round = db.select().from(rounds).where(eq(rounds.id, roundId)).get()!;
  const action =
    status === "finalised" ? "round.finalised" : round.status === "draft" ? "round.opened" : "round.reopened";
  db.transaction(
    (tx) => {
      appendAudit(tx, {
        actorId: null,
        action,
        entityType: "round",
        entityId: roundId,
        roundId,
        before: { status: round.status },
        after: { status },
      });
      tx.update(rounds).set({ status }).where(eq(rounds.id, roundId)).run();
    },
    { behavior: "immediate" },
  );
}
