import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/domain";
import { saveAnswer } from "./answers";
import {
  assignItems,
  departmentProgress,
  inviteDepartmentUser,
  myAssignedItems,
  setDepartmentUserActive,
} from "./departments";
import { addEvidence, deleteEvidence, getEvidenceForDownload } from "./evidence";
import { loadFrameworkShape } from "./framework";
import { activeStaffOf } from "./notifications";
import { auditLog, notifications, submissions } from "./schema";
import { getQuestionnaire, submitModule } from "./submissions";
import { createModuleBRound, createTestDb, MODULE_B_VALUES, setRoundStatus } from "./test-db";
import { getActiveSessionUser } from "./users";

const PASSWORD = "temporary-pw-1";

/** Module B's round with Hangzhou's lead, who invites 统计局 and assigns it B1.1–B1.3. */
async function setUp() {
  const db = createTestDb();
  const round = await createModuleBRound(db, "departments");
  const invited = await inviteDepartmentUser(db, round.staff, {
    email: "stats@hz.example",
    name: "王统计",
    department: "统计局",
    password: PASSWORD,
  });
  if (!invited.ok) throw new Error(invited.reason);
  const dept = getActiveSessionUser(db, invited.id)!;
  const assigned = ["B1.1", "B1.2", "B1.3"].map(round.itemId);
  expect(assignItems(db, round.staff, { roundId: round.roundId, itemIds: assigned, userId: dept.id })).toEqual({
    ok: true,
    changed: 3,
  });
  const save = (user: SessionUser, code: string, value: unknown, baseRevision = 0) =>
    saveAnswer(db, user, { itemId: round.itemId(code), baseRevision, value, notApplicableReason: null });
  return { db, round, dept, save };
}

describe("departments inside a city", () => {
  it("lets the lead invite a department user of the city, who must change the temporary password", async () => {
    const { db, round, dept } = await setUp();
    expect(dept).toMatchObject({ role: "department_staff", cityId: round.staff.cityId, mustChangePassword: true });
    // The same e-mail again; and no one but a city's lead invites.
    const again = { email: "STATS@hz.example", name: "x", department: "统计局", password: PASSWORD };
    expect(await inviteDepartmentUser(db, round.staff, again)).toEqual({ ok: false, reason: "emailTaken" });
    for (const user of [dept, round.admin, round.initial])
      expect(await inviteDepartmentUser(db, user, { ...again, email: "new@x.org" })).toEqual({
        ok: false,
        reason: "roleNotAllowed",
      });
    const audit = db.select().from(auditLog).where(eq(auditLog.action, "user.created")).all();
    expect(audit.at(-1)).toMatchObject({ actorId: round.staff.id });
  });

  it("lets a department user fill only the items assigned to them, and never submit", async () => {
    const { db, round, dept, save } = await setUp();
    for (const code of ["B1.1", "B1.2", "B1.3"]) expect(save(dept, code, MODULE_B_VALUES[code]).ok).toBe(true);
    // Another item of the same module, kept by the lead: refused, for answers and evidence alike.
    expect(save(dept, "B2.2", 80)).toEqual({ ok: false, reason: "notYourItem" });
    expect(addEvidence(db, dept, round.itemId("B2.2"), { kind: "url", url: "https://x.example/" })).toEqual({
      ok: false,
      reason: "notYourItem",
    });
    const link = addEvidence(db, dept, round.itemId("B1.1"), { kind: "url", url: "https://stats.example/b11" });
    expect(link.ok).toBe(true);
    expect(submitModule(db, dept, round.roundId, "B")).toMatchObject({ ok: false, reason: "roleNotAllowed" });

    // The lead sees the department's answers, fills the rest and alone submits.
    for (const [code, value] of Object.entries(MODULE_B_VALUES)) {
      if (!["B1.1", "B1.2", "B1.3"].includes(code)) expect(save(round.staff, code, value).ok).toBe(true);
      addEvidence(db, round.staff, round.itemId(code), { kind: "url", url: `https://stats.example/${code}` });
    }
    expect(submitModule(db, round.staff, round.roundId, "B").ok).toBe(true);
    const q = getQuestionnaire(db, round.roundId, round.staff.cityId!, "B")!;
    expect(q.answers.find((a) => a.itemId === round.itemId("B1.1"))).toMatchObject({ value: 12 });
    const saved = db.select().from(auditLog).where(eq(auditLog.action, "answer.saved")).all();
    expect(saved.filter((a) => a.actorId === dept.id)).toHaveLength(3);
    // Submitted: the department user's item is locked like every other.
    expect(save(dept, "B1.1", 13, 1)).toMatchObject({ ok: false, reason: "wrongState" });
  });

  it("refuses a department user's first edit of an unassigned item without leaving a draft behind", async () => {
    const { db, dept, save } = await setUp();
    expect(save(dept, "B4.1", 1)).toEqual({ ok: false, reason: "notYourItem" });
    expect(db.select().from(submissions).all()).toEqual([]);
  });

  it("serves a department user the files of their own items only, and lets them remove only those", async () => {
    const { db, round, dept } = await setUp();
    const own = addEvidence(db, round.staff, round.itemId("B1.1"), { kind: "url", url: "https://a.example/" });
    const lead = addEvidence(db, round.staff, round.itemId("B2.1"), { kind: "url", url: "https://b.example/" });
    if (!own.ok || !lead.ok) throw new Error("seeding evidence");
    expect(deleteEvidence(db, dept, lead.id)).toEqual({ ok: false, reason: "notYourItem" });
    expect(deleteEvidence(db, dept, own.id)).toEqual({ ok: true });
    // Downloads are for files (links are opened directly): the policy's rule is tested in lib/auth/policy.test.ts.
    expect(getEvidenceForDownload(db, dept, lead.id)).toBeNull();
  });

  it("keeps every department's assignments to its own city's lead, in an open round, and audits and announces them", async () => {
    const { db, round, dept } = await setUp();
    const b41 = round.itemId("B4.1");
    // Ningbo's lead can neither assign to Hangzhou's department user nor switch them off.
    expect(assignItems(db, round.other, { roundId: round.roundId, itemIds: [b41], userId: dept.id })).toEqual({
      ok: false,
      reason: "notFound",
    });
    expect(setDepartmentUserActive(db, round.other, dept.id, false)).toEqual({ ok: false, reason: "notFound" });
    // Nor may the department user, a reviewer or an admin assign; an item of no round is not found.
    for (const user of [dept, round.initial, round.admin])
      expect(assignItems(db, user, { roundId: round.roundId, itemIds: [b41], userId: dept.id })).toEqual({
        ok: false,
        reason: "roleNotAllowed",
      });
    expect(assignItems(db, round.staff, { roundId: round.roundId, itemIds: [999_999], userId: dept.id })).toEqual({
      ok: false,
      reason: "notFound",
    });
    // The assignment is audited with what was before, and the department user is told.
    const audit = db.select().from(auditLog).where(eq(auditLog.action, "items.assigned")).all();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorId: round.staff.id,
      cityId: round.staff.cityId,
      after: { userId: dept.id, itemCodes: ["B1.1", "B1.2", "B1.3"] },
      before: { assignees: { "B1.1": null, "B1.2": null, "B1.3": null } },
    });
    const told = db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, dept.id), eq(notifications.kind, "itemsAssigned")))
      .all();
    expect(told.map((n) => n.params)).toEqual([{ count: 3, lead: round.staff.name }]);
    // The same assignment again changes nothing and writes nothing.
    const again = assignItems(db, round.staff, {
      roundId: round.roundId,
      itemIds: ["B1.1", "B1.2"].map(round.itemId),
      userId: dept.id,
    });
    expect(again).toEqual({ ok: true, changed: 0 });
    expect(db.select().from(auditLog).where(eq(auditLog.action, "items.assigned")).all()).toHaveLength(1);
    // Department users hear of their items, not of the city's submissions and results.
    expect(activeStaffOf(db, round.staff.cityId!).map((u) => u.id)).toEqual([round.staff.id]);
    // Finalised: assignments no longer change.
    setRoundStatus(db, round.roundId, "finalised");
    expect(assignItems(db, round.staff, { roundId: round.roundId, itemIds: [b41], userId: null })).toEqual({
      ok: false,
      reason: "roundNotOpen",
    });
  });

  it("takes items back, and a deactivated user can neither sign in nor be given items", async () => {
    const { db, round, dept, save } = await setUp();
    expect(
      assignItems(db, round.staff, { roundId: round.roundId, itemIds: [round.itemId("B1.3")], userId: null }),
    ).toEqual({ ok: true, changed: 1 });
    expect(save(dept, "B1.3", 70)).toEqual({ ok: false, reason: "notYourItem" });
    expect(setDepartmentUserActive(db, round.staff, dept.id, false)).toEqual({ ok: true });
    expect(getActiveSessionUser(db, dept.id)).toBeNull();
    expect(
      assignItems(db, round.staff, { roundId: round.roundId, itemIds: [round.itemId("B4.1")], userId: dept.id }),
    ).toEqual({ ok: false, reason: "notFound" });
  });

  it("shows the lead each department's progress, and the department user their own items", async () => {
    const { db, round, dept, save } = await setUp();
    expect(save(dept, "B1.1", 12).ok).toBe(true);
    expect(save(dept, "B1.2", 88).ok).toBe(true);
    addEvidence(db, dept, round.itemId("B1.1"), { kind: "url", url: "https://stats.example/b11" });
    expect(save(round.staff, "B2.1", true).ok).toBe(true);
    const progress = departmentProgress(db, round.roundId, round.staff.cityId!, { name: "lead" });
    const allItems = loadFrameworkShape(db, round.roundId).flatMap((m) => m.indicators.flatMap((i) => i.items)).length;
    expect(progress).toEqual([
      expect.objectContaining({ userId: null, assigned: allItems - 3, answered: 1 }),
      expect.objectContaining({
        userId: dept.id,
        department: "统计局",
        assigned: 3,
        answered: 2,
        missingAnswers: 1,
        missingEvidence: 2,
        toCheck: 0,
      }),
    ]);
    const mine = myAssignedItems(db, round.roundId, dept);
    expect(mine.map((m) => [m.code, m.status, m.items.map((i) => [i.code, i.answered, i.missingEvidence])])).toEqual([
      [
        "B",
        "draft",
        [
          ["B1.1", true, false],
          ["B1.2", true, true],
          ["B1.3", false, true],
        ],
      ],
    ]);
  });
});

describe("a department user and the city's evidence library", () => {
  it("offers only the files they uploaded or that are on their items, and refuses attaching another's", async () => {
    const { db, round, dept } = await setUp();
    const { addToLibrary, libraryFor } = await import("./evidence-library");
    const put = (label: string) => ({
      originalName: `${label}.pdf`,
      sha256: label.padEnd(64, "0"),
      size: 10,
      mime: "application/pdf",
      storageKey: `k/${label}`,
    });
    const leads = addToLibrary(db, round.staff, round.roundId, put("a1"));
    const onTheirItem = addToLibrary(db, round.staff, round.roundId, put("b2"));
    if (!leads.ok || !onTheirItem.ok) throw new Error("seeding the library");
    const { attachLibraryFile } = await import("./evidence");
    expect(attachLibraryFile(db, round.staff, onTheirItem.file.id, [round.itemId("B1.2")]).ok).toBe(true);
    const offered = libraryFor(db, dept, round.roundId, round.staff.cityId!).map((f) => f.originalName);
    expect(offered).toEqual(["b2.pdf"]);
    expect(attachLibraryFile(db, dept, leads.file.id, [round.itemId("B1.1")])).toEqual({
      ok: false,
      reason: "notFound",
    });
    expect(attachLibraryFile(db, dept, onTheirItem.file.id, [round.itemId("B1.1")]).ok).toBe(true);
    expect(libraryFor(db, round.staff, round.roundId, round.staff.cityId!)).toHaveLength(2);
  });
});
