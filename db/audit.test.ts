import { describe, expect, it } from "vitest";
import { appendAudit, verifyAuditChain } from "./audit";
import { auditLog } from "./schema";
import { createTestDb } from "./test-db";

describe("the audit log", () => {
  it("chains each row to the previous one and verifies intact", () => {
    const db = createTestDb();
    appendAudit(db, { actorId: null, action: "a", entityType: "round", entityId: 1, before: null, after: { x: 1 } });
    appendAudit(db, { actorId: null, action: "b", entityType: "round", entityId: 1, before: { x: 1 }, after: { x: 2 } });
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
