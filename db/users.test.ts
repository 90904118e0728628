import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { FIRST_DELAY_MS, FREE_FAILURES } from "@/lib/auth/throttle";
import type { Db } from "./client";
import { verifyCredentials } from "./credentials";
import { auditLog, users } from "./schema";
import { createTestDb } from "./test-db";
import { getActiveSessionUser, listUserOptions, listUsers, upsertUser } from "./users";

let db: Db;
let userId: number;

beforeEach(async () => {
  db = createTestDb();
  userId = await upsertUser(db, {
    email: "Staff@Example.org",
    name: "Staff",
    password: "right-password",
    role: "admin",
  });
});

describe("verifyCredentials", () => {
  it("accepts the right password, case-insensitively on the email, and returns no secrets", async () => {
    const outcome = await verifyCredentials(db, "  staff@example.ORG ", "right-password", { client: "10.0.0.1" });
    expect(outcome).toEqual({
      ok: true,
      user: { id: userId, email: "staff@example.org", name: "Staff", role: "admin", cityId: null, locale: "zh-CN" },
    });
  });

  it("gives the same answer for an unknown email and a wrong password", async () => {
    expect(await verifyCredentials(db, "nobody@example.org", "right-password", { client: "10.0.0.1" })).toEqual({
      ok: false,
      reason: "invalid",
    });
    expect(await verifyCredentials(db, "staff@example.org", "wrong", { client: "10.0.0.1" })).toEqual({
      ok: false,
      reason: "invalid",
    });
  });

  it("blocks an e-mail address after five failures with a delay that doubles, the same whether the account exists or not", async () => {
    const start = new Date("2026-01-01T08:00:00Z");
    const at = (ms: number) => new Date(start.getTime() + ms);
    for (const email of ["staff@example.org", "nobody@example.org"]) {
      for (let i = 0; i < FREE_FAILURES.account; i++) {
        expect(await verifyCredentials(db, email, "wrong", { client: `10.0.0.${i}` }, start)).toEqual({
          ok: false,
          reason: "invalid",
        });
      }
      // Blocked for 30 s: even the right password is refused, without being checked, from any address.
      expect(await verifyCredentials(db, email, "right-password", { client: "10.9.9.9" }, at(1000))).toEqual({
        ok: false,
        reason: "throttled",
        retryAt: at(FIRST_DELAY_MS),
      });
      // Attempts while blocked do not count; after the delay one more failure blocks for twice as long.
      expect(await verifyCredentials(db, email, "wrong", { client: "10.9.9.9" }, at(FIRST_DELAY_MS))).toEqual({
        ok: false,
        reason: "invalid",
      });
      expect(
        await verifyCredentials(db, email, "right-password", { client: "10.9.9.9" }, at(FIRST_DELAY_MS + 1)),
      ).toEqual({ ok: false, reason: "throttled", retryAt: at(FIRST_DELAY_MS * 3) });
    }
    expect(
      (
        await verifyCredentials(
          db,
          "staff@example.org",
          "right-password",
          { client: "10.9.9.9" },
          at(FIRST_DELAY_MS * 3),
        )
      ).ok,
    ).toBe(true);
    // The block of the real account and its end are in the audit log; the unknown address leaves no trace of a user.
    const audited = db
      .select()
      .from(auditLog)
      .all()
      .filter((r) => r.action.startsWith("user.lock"));
    expect(audited.map((r) => [r.action, r.entityId])).toEqual([
      ["user.locked", String(userId)],
      ["user.lock_ended", String(userId)],
      ["user.locked", String(userId)],
      ["user.lock_ended", String(userId)],
    ]);
  });

  it("throttles one client address across accounts (password spraying), past a larger allowance", async () => {
    const now = new Date("2026-01-01T08:00:00Z");
    for (let i = 0; i < FREE_FAILURES.ip; i++) {
      expect(await verifyCredentials(db, `guess${i}@example.org`, "wrong", { client: "203.0.113.7" }, now)).toEqual({
        ok: false,
        reason: "invalid",
      });
    }
    const blocked = await verifyCredentials(db, "staff@example.org", "right-password", { client: "203.0.113.7" }, now);
    expect(blocked).toMatchObject({ ok: false, reason: "throttled" });
    // Another address is not affected.
    expect(
      (await verifyCredentials(db, "staff@example.org", "right-password", { client: "198.51.100.1" }, now)).ok,
    ).toBe(true);
  });

  it("lets the account's own browser (a device cookie) in while strangers' failures block the account", async () => {
    const now = new Date("2026-01-01T08:00:00Z");
    for (let i = 0; i < FREE_FAILURES.account; i++)
      await verifyCredentials(db, "staff@example.org", "wrong", { client: "203.0.113.9" }, now);
    expect(
      await verifyCredentials(db, "staff@example.org", "right-password", { client: "10.0.0.1" }, now),
    ).toMatchObject({ reason: "throttled" });
    expect(
      (
        await verifyCredentials(
          db,
          "staff@example.org",
          "right-password",
          { client: "10.0.0.1", deviceId: "owners-laptop" },
          now,
        )
      ).ok,
    ).toBe(true);
    // A device has its own count, which a success clears.
    for (let i = 0; i < FREE_FAILURES.device - 1; i++)
      await verifyCredentials(db, "staff@example.org", "typo", { client: "10.0.0.1", deviceId: "owners-laptop" }, now);
    expect(
      (
        await verifyCredentials(
          db,
          "staff@example.org",
          "right-password",
          { client: "10.0.0.1", deviceId: "owners-laptop" },
          now,
        )
      ).ok,
    ).toBe(true);
    expect(
      await verifyCredentials(db, "staff@example.org", "typo", { client: "10.0.0.1", deviceId: "owners-laptop" }, now),
    ).toEqual({ ok: false, reason: "invalid" });
  });

  it("gives a burst of parallel attempts no more guesses than a sequence", async () => {
    const now = new Date("2026-01-01T08:00:00Z");
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        verifyCredentials(
          db,
          "staff@example.org",
          i === 29 ? "right-password" : `guess-${i}`,
          { client: `198.51.100.${i}` },
          now,
        ),
      ),
    );
    const counts = outcomes.reduce<Record<string, number>>(
      (acc, o) => ({ ...acc, [o.ok ? "ok" : o.reason]: (acc[o.ok ? "ok" : o.reason] ?? 0) + 1 }),
      {},
    );
    expect(counts).toEqual({ invalid: FREE_FAILURES.account, throttled: 30 - FREE_FAILURES.account });
  });

  it("refuses a deactivated account with the generic answer", async () => {
    db.update(users).set({ active: false }).where(eq(users.id, userId)).run();
    expect(await verifyCredentials(db, "staff@example.org", "right-password", { client: null })).toEqual({
      ok: false,
      reason: "invalid",
    });
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
    await expect(
      upsertUser(db, { email: "a@example.org", name: "A", password: "x", role: "city_staff" }),
    ).rejects.toThrow(/CHECK constraint/);
    await expect(
      upsertUser(db, { email: "b@example.org", name: "B", password: "x", role: "reviewer", cityId: 1 }),
    ).rejects.toThrow();
  });
});

describe("synthetic accounts", () => {
  it("(the demo round's data entry) are told apart by their column and never listed", async () => {
    const db = createTestDb();
    const person = await upsertUser(db, {
      email: "data-analyst@x.org",
      name: "A person whose address starts with data-",
      password: "pw",
      role: "admin",
    });
    db.insert(users)
      .values({
        email: "entry@cityeval.demo",
        name: "上海（演示数据）",
        passwordHash: "!",
        role: "admin",
        active: false,
        synthetic: true,
      })
      .run();
    expect(listUsers(db).map((u) => u.id)).toEqual([person]);
    expect(listUserOptions(db)).toEqual([{ id: person, email: "data-analyst@x.org" }]);
  });
});
