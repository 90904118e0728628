import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { type Db, openDatabase } from "./client";
import { runMigrations } from "./migrate";
import { sessions } from "./schema";
import { createSession, endAllSessions, sessionUser, TOUCH_EVERY_MS } from "./sessions";
import { createTestDb, createTestUser } from "./test-db";
import { changeOwnPassword, resetPassword, setUserActive } from "./users";

const limits = { maxAgeMs: 8 * 3_600_000, idleMs: 30 * 60_000 };
const start = new Date("2026-03-01T09:00:00Z");
const at = (ms: number) => new Date(start.getTime() + ms);

let db: Db;
let staff: Awaited<ReturnType<typeof createTestUser>>;
let admin: Awaited<ReturnType<typeof createTestUser>>;
beforeEach(async () => {
  db = createTestDb();
  staff = await createTestUser(db, "staff@x.org", "reviewer");
  admin = await createTestUser(db, "admin@x.org", "admin");
});

describe("sessions", () => {
  it("live while used; ended after 30 idle minutes or 8 hours, and only for their own user", () => {
    const sid = createSession(db, staff.id, limits, start);
    expect(sessionUser(db, sid, staff.id, limits, at(29 * 60_000))?.id).toBe(staff.id);
    expect(sessionUser(db, sid, admin.id, limits, at(29 * 60_000))).toBeNull(); // a cookie of another user
    // Every request moves the idle clock, so a whole working day of autosaves stays signed in …
    for (let t = 29; t < 8 * 60; t += 29) expect(sessionUser(db, sid, staff.id, limits, at(t * 60_000))).not.toBeNull();
    // … until the absolute end.
    expect(sessionUser(db, sid, staff.id, limits, at(limits.maxAgeMs))).toBeNull();
    expect(db.select().from(sessions).all()).toEqual([]);

    const idle = createSession(db, staff.id, limits, start);
    expect(sessionUser(db, idle, staff.id, limits, at(limits.idleMs + 1))).toBeNull();
    expect(sessionUser(db, idle, staff.id, limits, at(limits.idleMs + 2))).toBeNull(); // stays ended
  });

  it("writes the last-seen time at most once a minute", () => {
    const sid = createSession(db, staff.id, limits, start);
    sessionUser(db, sid, staff.id, limits, at(TOUCH_EVERY_MS / 2));
    expect(db.select().from(sessions).get()!.lastSeenAt).toEqual(start);
    sessionUser(db, sid, staff.id, limits, at(TOUCH_EVERY_MS + 1));
    expect(db.select().from(sessions).get()!.lastSeenAt).toEqual(at(TOUCH_EVERY_MS + 1));
  });

  it("all end at once on sign-out, a password change, an admin's reset and deactivation", async () => {
    const both = () => [createSession(db, staff.id, limits), createSession(db, staff.id, limits)];
    const live = (ids: string[]) => ids.filter((id) => sessionUser(db, id, staff.id, limits) !== null).length;

    let ids = both();
    expect(live(ids)).toBe(2);
    expect(endAllSessions(db, staff.id)).toBe(2);
    expect(live(ids)).toBe(0);

    ids = both();
    expect(await changeOwnPassword(db, staff.id, "pw", "a-new-password")).toEqual({ ok: true });
    expect(live(ids)).toBe(0);

    ids = both();
    const adminSession = createSession(db, admin.id, limits);
    expect(await resetPassword(db, admin.id, staff.id, "temporary-pass")).toEqual({ ok: true });
    expect(live(ids)).toBe(0);
    expect(sessionUser(db, adminSession, admin.id, limits)).not.toBeNull(); // only the user's own

    ids = both();
    expect(setUserActive(db, admin.id, staff.id, false)).toEqual({ ok: true });
    expect(live(ids)).toBe(0);
    expect(setUserActive(db, admin.id, staff.id, true)).toEqual({ ok: true });
    expect(live(ids)).toBe(0); // reactivation does not revive them
  });
});

describe("sessions while another process holds the write lock", () => {
  it("still let the user in: the last-seen time is written by a later request", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sessions-busy-"));
    const file = path.join(dir, "cityeval.db");
    const server = openDatabase(file, { busyTimeoutMs: 20 });
    runMigrations(server);
    const user = await createTestUser(server, "staff@x.org", "reviewer");
    const sid = createSession(server, user.id, limits, start);
    const other = openDatabase(file);
    other.$client.exec("BEGIN IMMEDIATE");
    expect(sessionUser(server, sid, user.id, limits, at(TOUCH_EVERY_MS * 2))?.id).toBe(user.id);
    other.$client.exec("ROLLBACK");
    sessionUser(server, sid, user.id, limits, at(TOUCH_EVERY_MS * 3));
    expect(server.select().from(sessions).get()!.lastSeenAt).toEqual(at(TOUCH_EVERY_MS * 3));
    other.$client.close();
    server.$client.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
