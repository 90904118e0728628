/** The city's questionnaire end to end: answers (db/answers.ts), evidence (db/evidence.ts), submitting (db/submissions.ts). */
import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/domain";
import { saveAnswer } from "./answers";
import type { Db } from "./client";
import { addEvidence, deleteEvidence, getEvidenceForDownload } from "./evidence";
import {
  auditLog,
  items,
  modules,
  notifications,
  reviewAssignments,
  reviewStages,
  rounds,
  submissionVersions,
} from "./schema";
import { seedBase } from "./seed";
import { getQuestionnaire, listModuleSummaries, submitModule } from "./submissions";
import { createTestDb, createTestUser, setRoundStatus } from "./test-db";

let db: Db;
let roundId: number;
let staffA: SessionUser;
let staffA2: SessionUser;
let staffB: SessionUser;
let reviewer: SessionUser;
let otherReviewer: SessionUser;

const user = (email: string, role: SessionUser["role"], cityCode?: string) => createTestUser(db, email, role, cityCode);

const itemId = (code: string) =>
  db
    .select()
    .from(items)
    .where(and(eq(items.roundId, roundId), eq(items.code, code)))
    .get()!.id;
const fileEvidence = (sha: string) => ({
  kind: "file" as const,
  sha256: sha.repeat(64).slice(0, 64),
  size: 10,
  mime: "application/pdf",
  originalName: "证明.pdf",
  storageKey: `${sha}${sha}/${sha.repeat(64).slice(0, 64)}`,
});

beforeEach(async () => {
  db = createTestDb();
  roundId = seedBase(db).roundId;
  staffA = await user("a@x.org", "city_staff", "shanghai");
  staffA2 = await user("a2@x.org", "city_staff", "shanghai");
  staffB = await user("b@x.org", "city_staff", "beijing");
  reviewer = await user("r@x.org", "reviewer");
  otherReviewer = await user("r2@x.org", "reviewer");
  const mod = db
    .select()
    .from(modules)
    .where(and(eq(modules.roundId, roundId), eq(modules.code, "E")))
    .get()!;
  const stage = db
    .select()
    .from(reviewStages)
    .where(and(eq(reviewStages.roundId, roundId), eq(reviewStages.position, 1)))
    .get()!;
  db.insert(reviewAssignments).values({ roundId, moduleId: mod.id, stageId: stage.id, reviewerId: reviewer.id }).run();
});

/** Answers every item of module E (9 items) with valid values and evidence. */
function completeModuleE(user: SessionUser) {
  const values: Record<string, unknown> = {
    "E1.1": 12,
    "E1.2": 350,
    "E1.3": 2,
    "E2.1": 55,
    "E2.2": 20,
    "E2.3": 40,
    "E3.1": 25,
    "E3.2": ["demo_city"],
    "E3.3": true,
  };
  for (const [code, value] of Object.entries(values)) {
    expect(saveAnswer(db, user, { itemId: itemId(code), baseRevision: 0, value, notApplicableReason: null }).ok).toBe(
      true,
    );
    expect(addEvidence(db, user, itemId(code), fileEvidence(code.replace(".", "")[1]!)).ok).toBe(true);
  }
}

describe("saveAnswer", () => {
  it("leaves no draft behind when a first save is refused as stale", () => {
    expect(
      saveAnswer(db, staffA, { itemId: itemId("E1.1"), baseRevision: 3, value: 1, notApplicableReason: null }),
    ).toEqual({ ok: false, reason: "notFound" });
    expect(getQuestionnaire(db, roundId, staffA.cityId!, "E")!.submission).toBeNull();
  });

  it("creates the draft on first save and bumps the revision on each change", () => {
    const first = saveAnswer(db, staffA, {
      itemId: itemId("B1.2"),
      baseRevision: 0,
      value: 80,
      notApplicableReason: null,
    });
    expect(first).toMatchObject({ ok: true, revision: 1 });
    const second = saveAnswer(db, staffA, {
      itemId: itemId("B1.2"),
      baseRevision: 1,
      value: 90,
      notApplicableReason: null,
    });
    expect(second).toMatchObject({ ok: true, revision: 2 });
    const q = getQuestionnaire(db, roundId, staffA.cityId!, "B")!;
    expect(q.submission).toMatchObject({ status: "draft", version: 0 });
    expect(q.answers).toEqual([expect.objectContaining({ value: 90, revision: 2, updatedByName: "a" })]);
  });

  it("refuses a save based on an old revision and tells who saved the newer value", () => {
    const id = itemId("B1.2");
    saveAnswer(db, staffA, { itemId: id, baseRevision: 0, value: 80, notApplicableReason: null });
    // Two browsers both loaded revision 1; the second one saves after the first.
    expect(saveAnswer(db, staffA, { itemId: id, baseRevision: 1, value: 85, notApplicableReason: null }).ok).toBe(true);
    const stale = saveAnswer(db, staffA2, { itemId: id, baseRevision: 1, value: 70, notApplicableReason: null });
    expect(stale).toEqual({
      ok: false,
      reason: "staleRevision",
      current: expect.objectContaining({ value: 85, revision: 2, updatedByName: "a" }),
    });
    expect(getQuestionnaire(db, roundId, staffA.cityId!, "B")!.answers[0]!.value).toBe(85);
  });

  it("treats a first save racing another first save as stale", () => {
    const id = itemId("B1.2");
    saveAnswer(db, staffA, { itemId: id, baseRevision: 0, value: 80, notApplicableReason: null });
    expect(saveAnswer(db, staffA2, { itemId: id, baseRevision: 0, value: 1, notApplicableReason: null })).toMatchObject(
      { ok: false, reason: "staleRevision" },
    );
  });

  it("does not write or audit a save that changes nothing", () => {
    const id = itemId("B1.2");
    saveAnswer(db, staffA, { itemId: id, baseRevision: 0, value: 80, notApplicableReason: null });
    const auditRows = db.select().from(auditLog).all().length;
    expect(saveAnswer(db, staffA, { itemId: id, baseRevision: 1, value: 80, notApplicableReason: null })).toMatchObject(
      { ok: true, revision: 1 },
    );
    expect(db.select().from(auditLog).all()).toHaveLength(auditRows);
  });

  it("audits every change with before and after", () => {
    const id = itemId("B1.2");
    saveAnswer(db, staffA, { itemId: id, baseRevision: 0, value: 80, notApplicableReason: null });
    saveAnswer(db, staffA, { itemId: id, baseRevision: 1, value: null, notApplicableReason: "无此项" });
    const rows = db.select().from(auditLog).where(eq(auditLog.action, "answer.saved")).all();
    expect(rows.map((r) => [r.actorId, r.before, r.after])).toEqual([
      [staffA.id, null, { value: 80, notApplicableReason: null, revision: 1 }],
      [
        staffA.id,
        { value: 80, notApplicableReason: null, revision: 1 },
        { value: null, notApplicableReason: "无此项", revision: 2 },
      ],
    ]);
  });

  it("refuses reviewers and admins, and a finalised round", async () => {
    const id = itemId("B1.2");
    expect(saveAnswer(db, reviewer, { itemId: id, baseRevision: 0, value: 80, notApplicableReason: null })).toEqual({
      ok: false,
      reason: "roleNotAllowed",
    });
    const admin = await user("admin@x.org", "admin");
    expect(saveAnswer(db, admin, { itemId: id, baseRevision: 0, value: 80, notApplicableReason: null })).toEqual({
      ok: false,
      reason: "roleNotAllowed",
    });
    setRoundStatus(db, roundId, "finalised");
    expect(saveAnswer(db, staffA, { itemId: id, baseRevision: 0, value: 80, notApplicableReason: null })).toEqual({
      ok: false,
      reason: "roundNotOpen",
    });
  });

  it("keeps each city's answers apart", () => {
    const id = itemId("B1.2");
    saveAnswer(db, staffA, { itemId: id, baseRevision: 0, value: 80, notApplicableReason: null });
    expect(saveAnswer(db, staffB, { itemId: id, baseRevision: 0, value: 10, notApplicableReason: null })).toMatchObject(
      { ok: true, revision: 1 },
    );
    expect(getQuestionnaire(db, roundId, staffA.cityId!, "B")!.answers[0]!.value).toBe(80);
    expect(getQuestionnaire(db, roundId, staffB.cityId!, "B")!.answers[0]!.value).toBe(10);
  });
});

describe("evidence", () => {
  it("is listed per item, soft-deleted by the city, and its rows audited", () => {
    const id = itemId("B1.1");
    const added = addEvidence(db, staffA, id, fileEvidence("a"));
    const link = addEvidence(db, staffA, id, { kind: "url", url: "https://stats.example.gov.cn/2019" });
    expect(added.ok && link.ok).toBe(true);
    if (!added.ok) return;
    expect(getQuestionnaire(db, roundId, staffA.cityId!, "B")!.evidence.map((e) => e.kind)).toEqual(["file", "url"]);
    expect(deleteEvidence(db, staffB, added.id)).toEqual({ ok: false, reason: "notFound" });
    expect(deleteEvidence(db, staffA, added.id)).toEqual({ ok: true });
    expect(getQuestionnaire(db, roundId, staffA.cityId!, "B")!.evidence.map((e) => e.kind)).toEqual(["url"]);
    expect(
      db
        .select({ action: auditLog.action })
        .from(auditLog)
        .all()
        .map((r) => r.action)
        .filter((a) => a.startsWith("evidence")),
    ).toEqual(["evidence.added", "evidence.added", "evidence.deleted"]);
  });

  it("of a draft never submitted can be downloaded by the city and an admin, not even by the module's reviewer", async () => {
    const added = addEvidence(db, staffA, itemId("E1.1"), fileEvidence("b"));
    if (!added.ok) throw new Error("not added");
    expect(getEvidenceForDownload(db, staffA, added.id)?.id).toBe(added.id);
    expect(getEvidenceForDownload(db, await user("admin@x.org", "admin"), added.id)?.id).toBe(added.id);
    expect(getEvidenceForDownload(db, reviewer, added.id)).toBeNull();
    expect(getEvidenceForDownload(db, staffB, added.id)).toBeNull();
    expect(getEvidenceForDownload(db, otherReviewer, added.id)).toBeNull();
    expect(getEvidenceForDownload(db, staffA, 999_999)).toBeNull();
  });
});

describe("submitModule", () => {
  it("lists every missing answer and evidence and changes nothing", () => {
    saveAnswer(db, staffA, { itemId: itemId("E1.1"), baseRevision: 0, value: 12, notApplicableReason: null });
    saveAnswer(db, staffA, {
      itemId: itemId("E1.2"),
      baseRevision: 0,
      value: null,
      notApplicableReason: "统计口径不适用",
    });
    const result = submitModule(db, staffA, roundId, "E");
    expect(result.ok).toBe(false);
    if (result.ok || result.reason !== "incomplete") throw new Error("expected incomplete");
    expect(result.missing).toContainEqual({ itemCode: "E1.1", what: "evidence" });
    expect(result.missing).not.toContainEqual({ itemCode: "E1.2", what: "evidence" });
    expect(result.missing).not.toContainEqual({ itemCode: "E1.2", what: "answer" });
    expect(result.missing).toContainEqual({ itemCode: "E3.3", what: "answer" });
    expect(getQuestionnaire(db, roundId, staffA.cityId!, "E")!.submission).toMatchObject({
      status: "draft",
      version: 0,
    });
  });

  it("submits a complete module: version 1, frozen copy, read-only, audit and reviewer notification", () => {
    completeModuleE(staffA);
    expect(submitModule(db, staffA, roundId, "E")).toEqual({ ok: true, version: 1 });
    const q = getQuestionnaire(db, roundId, staffA.cityId!, "E")!;
    expect(q.submission).toMatchObject({ status: "submitted", version: 1 });
    const frozen = db
      .select()
      .from(submissionVersions)
      .where(eq(submissionVersions.submissionId, q.submission!.id))
      .get()!;
    expect(frozen.version).toBe(1);
    expect(frozen.snapshot.answers).toHaveLength(9);
    expect(frozen.snapshot.evidence.every((e) => e.sha256?.length === 64)).toBe(true);
    expect(
      saveAnswer(db, staffA, { itemId: itemId("E1.1"), baseRevision: 1, value: 1, notApplicableReason: null }),
    ).toEqual({ ok: false, reason: "wrongState" });
    expect(addEvidence(db, staffA, itemId("E1.1"), { kind: "url", url: "https://x.org" })).toEqual({
      ok: false,
      reason: "wrongState",
    });
    expect(submitModule(db, staffA, roundId, "E")).toEqual({ ok: false, reason: "wrongState" });
    expect(db.select().from(notifications).all()).toEqual([
      expect.objectContaining({
        userId: reviewer.id,
        kind: "submitted",
        params: expect.objectContaining({ cityZh: "上海", version: 1 }),
      }),
    ]);
    expect(db.select().from(auditLog).where(eq(auditLog.action, "submission.submitted")).all()).toHaveLength(1);
  });

  it("is refused after the deadline, naming it", () => {
    completeModuleE(staffA);
    const deadline = new Date("2020-01-01T00:00:00Z");
    db.update(rounds).set({ submissionDeadline: deadline }).where(eq(rounds.id, roundId)).run();
    expect(submitModule(db, staffA, roundId, "E")).toEqual({ ok: false, reason: "pastDeadline", deadline });
  });

  it("is refused for another role and for a module outside the round", () => {
    expect(submitModule(db, reviewer, roundId, "E")).toEqual({ ok: false, reason: "roleNotAllowed" });
    expect(submitModule(db, staffA, roundId, "Z")).toEqual({ ok: false, reason: "notFound" });
  });
});

describe("listModuleSummaries", () => {
  it("reports progress, missing evidence and the provisional score per module", () => {
    saveAnswer(db, staffA, { itemId: itemId("E1.1"), baseRevision: 0, value: 12, notApplicableReason: null }); // 0.8 × 2.5 = 2
    saveAnswer(db, staffA, { itemId: itemId("E3.3"), baseRevision: 0, value: true, notApplicableReason: null }); // 1
    addEvidence(db, staffA, itemId("E3.3"), { kind: "url", url: "https://policy.example.gov.cn" });
    const e = listModuleSummaries(db, roundId, staffA.cityId!).find((m) => m.code === "E")!;
    expect(e).toMatchObject({
      status: "draft",
      answered: 2,
      total: 9,
      required: 9,
      requiredAnswered: 2,
      missingEvidence: 8,
      toCheck: 0,
      provisionalPoints: 300,
    });
  });
});
