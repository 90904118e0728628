import { beforeEach, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/domain";
import { getCityByCode } from "./cities";
import type { Db } from "./client";
import { verifyCredentials } from "./credentials";
import { seedBase } from "./seed";
import { createTestDb, createTestUser } from "./test-db";
import {
  changeOwnPassword,
  createUserByAdmin,
  listUsers,
  mustChangePassword,
  resetPassword,
  setUserActive,
  unlockUser,
} from "./users";

let db: Db;
let admin: SessionUser;

beforeEach(async () => {
  db = createTestDb();
  seedBase(db);
  admin = await createTestUser(db, "admin@x.org", "admin");
});

describe("user administration", () => {
  it("creates an account whose temporary password must be changed, refusing a taken email", async () => {
    const created = await createUserByAdmin(db, admin.id, {
      email: "New@X.org",
      name: "新用户",
      password: "temporary-pass",
      role: "city_staff",
      cityId: getCityByCode(db, "xian")!.id,
    });
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    expect(
      await createUserByAdmin(db, admin.id, {
        email: "new@x.org",
        name: "again",
        password: "temporary-pass",
        role: "reviewer",
      }),
    ).toEqual({ ok: false, reason: "emailTaken" });
    expect(mustChangePassword(db, created.id)).toBe(true);
    expect(await changeOwnPassword(db, created.id, "wrong", "a-new-password")).toEqual({
      ok: false,
      reason: "wrongPassword",
    });
    expect(await changeOwnPassword(db, created.id, "temporary-pass", "a-new-password")).toEqual({ ok: true });
    expect(mustChangePassword(db, created.id)).toBe(false);
    expect((await verifyCredentials(db, "new@x.org", "a-new-password", { client: null })).ok).toBe(true);
  });

  it("resets a password (to be changed) and unlocks a locked account", async () => {
    const reviewer = await createTestUser(db, "r@x.org", "reviewer");
    for (let i = 0; i < 5; i++) await verifyCredentials(db, "r@x.org", "wrong", { client: null });
    expect(listUsers(db).find((u) => u.id === reviewer.id)?.locked).toBe(true);
    expect(unlockUser(db, admin.id, reviewer.id)).toEqual({ ok: true });
    expect(listUsers(db).find((u) => u.id === reviewer.id)?.locked).toBe(false);
    expect(await resetPassword(db, admin.id, reviewer.id, "temporary-2")).toEqual({ ok: true });
    expect(mustChangePassword(db, reviewer.id)).toBe(true);
    expect((await verifyCredentials(db, "r@x.org", "temporary-2", { client: null })).ok).toBe(true);
  });

  it("deactivates accounts, which then cannot sign in, but never the last active admin", async () => {
    const staff = await createTestUser(db, "s@x.org", "city_staff", "xian");
    expect(setUserActive(db, admin.id, staff.id, false)).toEqual({ ok: true });
    expect(await verifyCredentials(db, "s@x.org", "pw", { client: null })).toEqual({ ok: false, reason: "invalid" });
    expect(setUserActive(db, admin.id, admin.id, false)).toEqual({ ok: false, reason: "lastAdmin" });
    const second = await createTestUser(db, "a2@x.org", "admin");
    expect(setUserActive(db, admin.id, admin.id, false)).toEqual({ ok: true });
    expect(setUserActive(db, second.id, second.id, false)).toEqual({ ok: false, reason: "lastAdmin" });
  });
});
