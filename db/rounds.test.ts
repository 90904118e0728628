import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { frameworkRevision } from "@/lib/framework/revision";
import { starterFramework } from "@/lib/framework/starter";
import { validateFramework } from "@/lib/framework/validate";
import { addAssignment, listRoundAssignments, listStages, removeAssignment } from "./assignments";
import { appendAudit } from "./audit";
import { loadFrameworkFile } from "./data-files";
import { exportFramework, replaceFramework } from "./framework";
import { cloneRound, createDraftRound, getRound, openRound, updateRoundSettings } from "./rounds";
import { auditLog, items, modules, reviewStages, roundCities, rounds } from "./schema";
import { seedBase } from "./seed";
import { createTestDb, createTestUser } from "./test-db";

describe("rounds", () => {
  it("exports a round's framework in the file format, identical to the file it came from", () => {
    const db = createTestDb();
    const { roundId } = seedBase(db);
    const exported = exportFramework(db, roundId);
    expect(validateFramework(exported).ok).toBe(true);
    expect(exported.modules).toEqual(loadFrameworkFile(2019).modules);
  });

  it("clones framework, stages and cities into an independent draft", () => {
    const db = createTestDb();
    const { roundId } = seedBase(db);
    // The source's plausibility thresholds and automatic reminders carry over; its deadlines do not.
    const thresholds = { zThreshold: 4, minPeers: 6, yoyRise: 2, yoyFall: 0.4 };
    db.update(rounds).set({ plausibility: thresholds, reminderDaysBefore: 5 }).where(eq(rounds.id, roundId)).run();
    const clone = cloneRound(db, null, roundId, { name: "第十届(2020)", year: 2020 });
    expect(clone.ok).toBe(true);
    if (!clone.ok) return;
    expect(db.select().from(rounds).where(eq(rounds.id, clone.id)).get()).toMatchObject({
      status: "draft",
      year: 2020,
      clonedFromRoundId: roundId,
      plausibility: thresholds,
      reminderDaysBefore: 5,
      submissionDeadline: null,
    });
    expect(db.select().from(roundCities).where(eq(roundCities.roundId, clone.id)).all()).toHaveLength(108);
    expect(
      db
        .select()
        .from(reviewStages)
        .where(eq(reviewStages.roundId, clone.id))
        .all()
        .map((s) => s.nameZh),
    ).toEqual(["初审", "复审"]);
    expect(exportFramework(db, clone.id).modules).toEqual(exportFramework(db, roundId).modules);

    // Independent afterwards: raising a threshold in the copy leaves the source alone.
    const item = (id: number) =>
      db
        .select()
        .from(items)
        .where(and(eq(items.roundId, id), eq(items.code, "B1.1")))
        .get()!;
    db.update(items)
      .set({ scoringRule: { kind: "bands", bands: [{ op: ">=", value: 20, fraction: 1 }] } })
      .where(eq(items.id, item(clone.id).id))
      .run();
    expect(item(roundId).scoringRule).toEqual(loadFrameworkFile(2019).modules[0]!.indicators[0]!.items[0]!.rule);
    expect(cloneRound(db, null, roundId, { name: "第十届(2020)", year: 2020 })).toEqual({
      ok: false,
      reason: "nameTaken",
    });
  });

  it("logs deadline changes and opens a draft once, for an admin only", async () => {
    const db = createTestDb();
    const { roundId } = seedBase(db);
    const clone = cloneRound(db, null, roundId, { name: "2020", year: 2020 });
    if (!clone.ok) throw new Error("clone");
    const deadline = new Date("2021-06-30T15:59:00Z");
    expect(
      updateRoundSettings(db, null, clone.id, {
        name: "2020",
        nameEn: null,
        year: 2020,
        dataCutoffDate: "2020-12-31",
        submissionDeadline: deadline,
        reviewDeadline: null,
        preliminaryResults: false,
        appealDeadline: null,
        reminderDaysBefore: null,
        plausibility: null,
      }),
    ).toEqual({ ok: true });
    const logged = db.select().from(auditLog).where(eq(auditLog.action, "round.settings_changed")).get()!;
    expect(logged.after).toMatchObject({ submissionDeadline: deadline.toISOString() });
    // The lifecycle's "who may" holds in the data layer too, not only in the action wrapper.
    const reviewer = await createTestUser(db, "reviewer@test", "reviewer");
    expect(openRound(db, reviewer, clone.id)).toEqual({ ok: false, reason: "roleNotAllowed" });
    expect(replaceFramework(db, reviewer, clone.id, loadFrameworkFile(2019))).toEqual({
      ok: false,
      reason: "roleNotAllowed",
    });
    const admin = await createTestUser(db, "admin@test", "admin");
    expect(openRound(db, admin, clone.id)).toEqual({ ok: true });
    expect(openRound(db, null, clone.id)).toEqual({ ok: false, reason: "roundNotDraft" });
  });
});

describe("replaceFramework", () => {
  it("replaces a draft's framework and refuses once the round is open", () => {
    const db = createTestDb();
    const { roundId } = seedBase(db);
    const clone = cloneRound(db, null, roundId, { name: "2020", year: 2020 });
    if (!clone.ok) throw new Error("clone");
    const framework = exportFramework(db, clone.id);
    framework.modules[0]!.indicators[0]!.items[0]!.rule = {
      kind: "bands",
      bands: [
        { op: ">=", value: 20, fraction: 1 },
        { op: ">", value: 0, fraction: 0.5 },
      ],
    };
    const loaded = frameworkRevision(exportFramework(db, clone.id));
    expect(replaceFramework(db, null, clone.id, framework, loaded)).toEqual({
      ok: true,
      revision: frameworkRevision(framework),
    });
    // An editor still holding the copy it loaded before that save is refused; a file import is not.
    expect(replaceFramework(db, null, clone.id, framework, loaded)).toEqual({ ok: false, reason: "frameworkChanged" });
    expect(replaceFramework(db, null, clone.id, framework)).toMatchObject({ ok: true });
    expect(exportFramework(db, clone.id).modules[0]!.indicators[0]!.items[0]!.rule).toEqual(
      framework.modules[0]!.indicators[0]!.items[0]!.rule,
    );
    expect(replaceFramework(db, null, roundId, framework)).toEqual({ ok: false, reason: "roundNotDraft" });
    openRound(db, null, clone.id);
    expect(replaceFramework(db, null, clone.id, framework)).toEqual({ ok: false, reason: "roundNotDraft" });
  });
});

describe("replaceFramework and assignments", () => {
  it("keeps the reviewer assignments of modules whose code survives and drops the others", async () => {
    const db = createTestDb();
    const { roundId } = seedBase(db);
    const clone = cloneRound(db, null, roundId, { name: "2020", year: 2020 });
    if (!clone.ok) throw new Error("clone");
    const reviewer = await createTestUser(db, "r@test", "reviewer");
    const [stage] = listStages(db, clone.id);
    const moduleId = (code: string) =>
      db
        .select()
        .from(modules)
        .where(and(eq(modules.roundId, clone.id), eq(modules.code, code)))
        .get()!.id;
    addAssignment(db, null, {
      roundId: clone.id,
      moduleId: moduleId("B"),
      stageId: stage!.id,
      reviewerId: reviewer.id,
    });
    addAssignment(db, null, {
      roundId: clone.id,
      moduleId: moduleId("E"),
      stageId: stage!.id,
      reviewerId: reviewer.id,
    });

    const framework = exportFramework(db, clone.id);
    const dropped = framework.modules.find((m) => m.code === "E")!;
    framework.modules = framework.modules.filter((m) => m !== dropped);
    framework.modules[0]!.points += dropped.points;
    framework.modules[0]!.indicators[0]!.points += dropped.points;
    framework.modules[0]!.indicators[0]!.items[0]!.points += dropped.points;
    const valid = validateFramework(framework);
    if (!valid.ok) throw new Error(JSON.stringify(valid.problems));
    expect(replaceFramework(db, null, clone.id, valid.framework)).toMatchObject({ ok: true });

    expect(listRoundAssignments(db, clone.id).map((a) => a.moduleId)).toEqual([moduleId("B")]);
  });

  it("changes a round's reviewers only by an admin and never once the round is finalised", async () => {
    const db = createTestDb();
    const { roundId } = seedBase(db);
    const admin = await createTestUser(db, "a@test", "admin");
    const reviewer = await createTestUser(db, "r@test", "reviewer");
    const [stage] = listStages(db, roundId);
    const moduleId = db.select().from(modules).where(eq(modules.roundId, roundId)).get()!.id;
    const input = { roundId, moduleId, stageId: stage!.id, reviewerId: reviewer.id };
    expect(addAssignment(db, reviewer, input)).toEqual({ ok: false, reason: "roleNotAllowed" });
    expect(addAssignment(db, admin, { ...input, stageId: 999_999 })).toEqual({ ok: false, reason: "notFound" });
    expect(addAssignment(db, admin, input)).toEqual({ ok: true });
    // As finalising leaves it (the database moves a round's status only right after its audit entry).
    appendAudit(db, { actorId: admin.id, action: "round.finalised", entityType: "round", entityId: roundId, roundId });
    db.update(rounds).set({ status: "finalised" }).where(eq(rounds.id, roundId)).run();
    const [assignment] = listRoundAssignments(db, roundId).filter((a) => a.reviewerId === reviewer.id);
    expect(removeAssignment(db, admin, roundId, assignment!.id)).toEqual({ ok: false, reason: "roundFinalised" });
    expect(addAssignment(db, admin, input)).toEqual({ ok: false, reason: "roundFinalised" });
  });
});

describe("createDraftRound", () => {
  it("creates a draft from a framework with the default stages, all cities or none, and refuses a taken name", () => {
    const db = createTestDb();
    seedBase(db);
    const created = createDraftRound(
      db,
      null,
      { name: "2021 新一轮", year: 2021, allCities: true },
      starterFramework(2021),
    );
    if (!created.ok) throw new Error("create");
    expect(getRound(db, created.id)).toMatchObject({ status: "draft", year: 2021 });
    expect(db.select().from(roundCities).where(eq(roundCities.roundId, created.id)).all()).toHaveLength(108);
    expect(listStages(db, created.id).map((s) => s.nameZh)).toEqual(["初审", "复审"]);
    expect(validateFramework(exportFramework(db, created.id)).ok).toBe(true);
    const empty = createDraftRound(db, null, { name: "2021 空", year: 2021, allCities: false }, starterFramework(2021));
    if (!empty.ok) throw new Error("create");
    expect(db.select().from(roundCities).where(eq(roundCities.roundId, empty.id)).all()).toHaveLength(0);
    expect(openRound(db, null, empty.id)).toEqual({ ok: false, reason: "noCities" });
    expect(
      createDraftRound(db, null, { name: "2021 新一轮", year: 2021, allCities: true }, starterFramework(2021)),
    ).toEqual({ ok: false, reason: "nameTaken" });
  });
});
