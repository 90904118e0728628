import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "./client";
import { users } from "./schema";
import { createTestDb } from "./test-db";
import { getActiveSessionUser, LOCK_MINUTES, MAX_FAILED_SIGN_INS, upsertUser, verifyCredentials } from "./users";

let db: Db;
let userId: number;
const minutes = (n: number) => n * 60_000;

beforeEach(async () => {
  db = createTestDb();
  userId = await upsertUser(db, { email: "Staff@Example.org", name: "Staff", password: "right-password", role: "admin" });
});

describe("verifyCredentials", () => {
  it("accepts the right password, case-insensitively on the email, and returns no secrets", async () => {
    const outcome = await verifyCredentials(db, "  staff@example.ORG ", "right-password");
    expect(outcome).toEqual({ ok: true, user: { id: userId, email: "staff@example.org", name: "Staff", role: "admin", cityId: null, locale: "zh-CN" } });
  });

  it("gives the same answer for an unknown email and a wrong password", async () => {
    expect(await verifyCredentials(db, "nobody@example.org", "right-password")).toEqual({ ok: false, reason: "invalid" });
    expect(await verifyCredentials(db, "staff@example.org", "wrong")).toEqual({ ok: false, reason: "invalid" });
  });

  it("locks the account after five failures, refuses even the right password, and unlocks after 15 minutes", async () => {
    const start = new Date("2026-01-01T08:00:00Z");
    for (let i = 0; i < MAX_FAILED_SIGN_INS; i++) {
      expect(await verifyCredentials(db, "staff@example.org", "wrong", start)).toEqual({ ok: false, reason: "invalid" });
    }
    const sixth = await verifyCredentials(db, "staff@example.org", "right-password", new Date(start.getTime() + minutes(1)));
    expect(sixth).toEqual({ ok: false, reason: "locked", lockedUntil: new Date(start.getTime() + minutes(LOCK_MINUTES)) });
    const later = await verifyCredentials(db, "staff@example.org", "right-password", new Date(start.getTime() + minutes(LOCK_MINUTES) + 1));
    expect(later.ok).toBe(true);
  });

  it("resets the failure count on success, so failures must be consecutive to lock", async () => {
    for (let i = 0; i < MAX_FAILED_SIGN_INS - 1; i++) await verifyCredentials(db, "staff@example.org", "wrong");
    expect((await verifyCredentials(db, "staff@example.org", "right-password")).ok).toBe(true);
    expect(await verifyCredentials(db, "staff@example.org", "wrong")).toEqual({ ok: false, reason: "invalid" });
    expect((await verifyCredentials(db, "staff@example.org", "right-password")).ok).toBe(true);
  });

  it("refuses a deactivated account with the generic answer", async () => {
    db.update(users).set({ active: false }).where(eq(users.id, userId)).run();
    expect(await verifyCredentials(db, "staff@example.org", "right-password")).toEqual({ ok: false, reason: "invalid" });
    expect(getActiveSessionUser(db, userId)).toBeNull();
  });

  it("stores an Argon2id hash, never the password", () => {
    const row = db.select().from(users).where(eq(users.id, userId)).get()!;
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row.passwordHash).not.toContain("right-password");
  });
});

describe("the users table", () => {
  it("requires a city for city staff and forbids one for other roles", async () => {
    await expect(upsertUser(db, { email: "a@example.org", name: "A", password: "x", role: "city_staff" })).rejects.toThrow(/CHECK constraint/);
    await expect(upsertUser(db, { email: "b@example.org", name: "B", password: "x", role: "reviewer", cityId: 1 })).rejects.toThrow();
  });
});
