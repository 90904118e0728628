import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditFullCheckMs } from "@/lib/config/limits";
import { signingKeyPem } from "@/lib/config/signing-key";
import { publicKeyPemOf } from "@/lib/signing/signature";
import { appendAudit, listAuditActions, listAuditEntries, verifyAuditChain } from "./audit";
import { auditLog } from "./schema";
import { createTestDb } from "./test-db";
import { verifyAuditForPage } from "./verify";

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

describe("the audit page's check", () => {
  const add = (db: ReturnType<typeof createTestDb>, n: number) => {
    for (let i = 0; i < n; i++)
      appendAudit(db, { actorId: null, action: "x", entityType: "round", entityId: i, after: { i } });
  };

  it("reads the chain in batches past 5,000 rows, and from a known intact row on", () => {
    const db = createTestDb();
    add(db, 5_003);
    expect(verifyAuditChain(db)).toBeNull();
    const row = db.select().from(auditLog).where(eq(auditLog.id, 5_000)).get()!;
    expect(verifyAuditChain(db, undefined, { id: row.id, hash: row.hash })).toBeNull();
    // a starting point whose hash is not the one recorded is itself the break
    expect(verifyAuditChain(db, undefined, { id: row.id, hash: "0".repeat(64) })).toBe(5_000);
  });

  it("hashes only new rows between full checks, catches a changed new row at once and an old one at the next full check", () => {
    const db = createTestDb();
    const key = publicKeyPemOf(signingKeyPem());
    add(db, 20);
    const start = new Date("2026-11-29T00:00:00Z");
    expect(verifyAuditForPage(db, key, start)).toMatchObject({ ok: true, rows: 20, checkedAt: start });
    add(db, 5);
    const soon = new Date(start.getTime() + 60_000);
    expect(verifyAuditForPage(db, key, soon)).toMatchObject({ ok: true, rows: 25, checkedAt: start });
    db.$client.exec("drop trigger audit_log_no_update");
    // an old row rewritten without its hash: not hashed again until the next full check …
    db.$client.prepare(`update audit_log set "after" = '{"i":99}' where id = 3`).run();
    expect(verifyAuditForPage(db, key, soon).ok).toBe(true);
    const later = new Date(start.getTime() + auditFullCheckMs());
    const full = verifyAuditForPage(db, key, later);
    expect(full.ok).toBe(false);
    expect(full.checks.flatMap((c) => c.differences)).toContain("the chain breaks at row 3");
    // … and once broken, every visit checks the whole chain again
    expect(verifyAuditForPage(db, key, later).ok).toBe(false);

    const fresh = createTestDb();
    add(fresh, 10);
    expect(verifyAuditForPage(fresh, key, start).ok).toBe(true);
    add(fresh, 2);
    fresh.$client.exec("drop trigger audit_log_no_update");
    fresh.$client.prepare(`update audit_log set "after" = '{"i":-1}' where id = 11`).run();
    expect(verifyAuditForPage(fresh, key, soon).ok).toBe(false); // a new row is hashed on the next visit
  });
});
