import { describe, expect, it } from "vitest";
import { appendAudit, listAuditActions, listAuditEntries, verifyAuditChain } from "./audit";
import { auditLog } from "./schema";
import { createTestDb } from "./test-db";

describe("the audit log", () => {
  it("chains each row to the previous one and verifies intact", () => {
    const db = createTestDb();
    appendAudit(db, { actorId: null, action: "a", entityType: "round", entityId: 1, before: null, after: { x: 1 } });
    appendAudit(db, {
      actorId: null,
      action: "b",
      entityType: "round",
      entityId: 1,
      before: { x: 1 },
      after: { x: 2 },
    });
    const rows = db.select().from(auditLog).orderBy(auditLog.id).all();
    expect(rows[1]!.prevHash).toBe(rows[0]!.hash);
    expect(verifyAuditChain(db)).toBeNull();
  });

  it("refuses updates and deletes in the database itself", () => {
    const db = createTestDb();
    appendAudit(db, { actorId: null, action: "a", entityType: "round", entityId: 1 });
    expect(() => db.$client.prepare("update audit_log set action = 'x'").run()).toThrow(/append-only/);
    expect(() => db.$client.prepare("delete from audit_log").run()).toThrow(/append-only/);
  });

  it("detects a row changed behind the triggers' back", () => {
    const db = createTestDb();
    appendAudit(db, { actorId: null, action: "a", entityType: "round", entityId: 1, after: { points: 100 } });
    appendAudit(db, { actorId: null, action: "b", entityType: "round", entityId: 1 });
    db.$client.exec("drop trigger audit_log_no_update");
    db.$client.prepare(`update audit_log set "after" = '{"points":99}' where id = 1`).run();
    expect(verifyAuditChain(db)).toBe(1);
  });
});

describe("listAuditEntries", () => {
  it("filters by round, city, user, action prefix and time", () => {
    const db = createTestDb();
    appendAudit(db, {
      actorId: null,
      action: "answer.saved",
      entityType: "answer",
      entityId: "1",
      roundId: 1,
      cityId: 2,
    });
    appendAudit(db, {
      actorId: null,
      action: "evidence.added",
      entityType: "evidence",
      entityId: 5,
      roundId: 1,
      cityId: 3,
    });
    appendAudit(db, {
      actorId: null,
      action: "answer.saved",
      entityType: "answer",
      entityId: "2",
      roundId: 2,
      cityId: 2,
    });
    const actions = (filter: Parameters<typeof listAuditEntries>[1]) =>
      listAuditEntries(db, filter).map((r) => `${r.entry.action}#${r.entry.entityId}`);
    expect(actions({})).toEqual(["answer.saved#2", "evidence.added#5", "answer.saved#1"]);
    expect(actions({ roundId: 1 })).toEqual(["evidence.added#5", "answer.saved#1"]);
    expect(actions({ cityId: 2, action: "answer" })).toEqual(["answer.saved#2", "answer.saved#1"]);
    expect(actions({ from: new Date(Date.now() + 60_000) })).toEqual([]);
    expect(actions({ to: new Date(Date.now() + 60_000), roundId: 2 })).toEqual(["answer.saved#2"]);
    expect(listAuditActions(db)).toEqual(["answer.saved", "evidence.added"]);
  });
});
