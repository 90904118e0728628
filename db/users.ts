/** Accounts: reading them for the session and the admin's list, creating and changing them (role, city, password, active), always audited. */
import "server-only";
import { and, eq, gt, sql } from "drizzle-orm";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { throttleKey } from "@/lib/auth/throttle";
import type { Locale, Role, SessionUser } from "@/lib/domain";
import { appendAudit } from "./audit";
import type { Db } from "./client";
import { signInThrottle, users } from "./schema";
import { endAllSessions } from "./sessions";

const sessionColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  cityId: users.cityId,
  locale: users.locale,
};

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The current state of a signed-in user, or null when the account is gone or deactivated. */
export function getActiveSessionUser(db: Db, id: number): SessionUser | null {
  return (
    db
      .select({ ...sessionColumns, mustChangePassword: users.mustChangePassword })
      .from(users)
      .where(and(eq(users.id, id), eq(users.active, true)))
      .get() ?? null
  );
}

export function updateUserLocale(db: Db, id: number, locale: Locale): void {
  db.update(users).set({ locale }).where(eq(users.id, id)).run();
}

/**
 * The password in clear, or already hashed: Argon2 costs tens of milliseconds (seconds on a loaded machine)
 * on purpose, so a seed or a test that gives many accounts one password hashes it once.
 */
export type NewUser = {
  email: string;
  name: string;
  role: Role;
  cityId?: number | null;
  /** a department user's department (role department_staff only) */
  department?: string | null;
  locale?: Locale;
} & ({ password: string; passwordHash?: never } | { passwordHash: string; password?: never });

/** Creates the user, or updates name/role/city/password of an existing one with that email (used by seeds). */
export async function upsertUser(db: Db, input: NewUser, actorId: number | null = null): Promise<number> {
  const passwordHash = input.passwordHash ?? (await hashPassword(input.password!));
  const email = normaliseEmail(input.email);
  return db.transaction(
    (tx) => {
      const values = {
        email,
        name: input.name,
        passwordHash,
        role: input.role,
        cityId: input.cityId ?? null,
        department: input.department ?? null,
      };
      const existing = tx.select({ id: users.id }).from(users).where(eq(users.email, email)).get();
      if (existing) {
        // Keeps the user's language; resets everything a demo needs to work again.
        tx.update(users)
          .set({ ...values, active: true })
          .where(eq(users.id, existing.id))
          .run();
        tx.delete(signInThrottle)
          .where(eq(signInThrottle.key, throttleKey("account", email)))
          .run();
        return existing.id;
      }
      const { id } = tx
        .insert(users)
        .values({ ...values, locale: input.locale ?? "zh-CN" })
        .returning({ id: users.id })
        .get();
      appendAudit(tx, {
        actorId,
        action: "user.created",
        entityType: "user",
        entityId: id,
        after: { email, role: input.role, cityId: input.cityId ?? null, department: input.department ?? null },
      });
      return id;
    },
    { behavior: "immediate" },
  );
}

export function getSessionUserByEmail(db: Db, email: string): SessionUser | null {
  return (
    db
      .select(sessionColumns)
      .from(users)
      .where(eq(users.email, normaliseEmail(email)))
      .get() ?? null
  );
}

export type UserListEntry = {
  id: number;
  email: string;
  name: string;
  role: Role;
  cityId: number | null;
  active: boolean;
  locked: boolean;
  mustChangePassword: boolean;
  lastSignInAt: Date | null;
};

/** The accounts people use (synthetic ones are never listed), with whether sign-in is blocked for them. */
export function listUsers(db: Db, now = new Date()): UserListEntry[] {
  const blocked = new Set(
    db
      .select({ key: signInThrottle.key })
      .from(signInThrottle)
      .where(gt(signInThrottle.blockedUntil, now))
      .all()
      .map((r) => r.key),
  );
  return db
    .select()
    .from(users)
    .where(eq(users.synthetic, false))
    .orderBy(users.role, users.email)
    .all()
    .map((u) => ({
      id: u.id,
      email: u.email,
      name: u.name,
      role: u.role,
      cityId: u.cityId,
      active: u.active,
      locked: blocked.has(throttleKey("account", u.email)),
      mustChangePassword: u.mustChangePassword,
      lastSignInAt: u.lastSignInAt,
    }));
}

/** Every account a person uses, by e-mail (the audit log's filter); only active ones when asked. */
export function listUserOptions(db: Db, { activeOnly = false } = {}): { id: number; email: string }[] {
  return db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(and(eq(users.synthetic, false), activeOnly ? eq(users.active, true) : undefined))
    .orderBy(users.email)
    .all();
}

export type UserRefusal = "notFound" | "emailTaken" | "lastAdmin" | "wrongPassword";

/** An admin creates an account with a temporary password that must be changed at first sign-in. */
export async function createUserByAdmin(
  db: Db,
  actorId: number,
  input: NewUser,
): Promise<{ ok: true; id: number } | { ok: false; reason: UserRefusal }> {
  const email = normaliseEmail(input.email);
  if (db.select({ id: users.id }).from(users).where(eq(users.email, email)).get())
    return { ok: false, reason: "emailTaken" };
  const id = await upsertUser(db, { ...input, email }, actorId);
  db.update(users).set({ mustChangePassword: true }).where(eq(users.id, id)).run();
  return { ok: true, id };
}

/** Sets a temporary password (to be changed at next sign-in) and lifts any lock. */
export async function resetPassword(
  db: Db,
  actorId: number,
  userId: number,
  temporaryPassword: string,
): Promise<{ ok: true } | { ok: false; reason: UserRefusal }> {
  const passwordHash = await hashPassword(temporaryPassword);
  return db.transaction(
    (tx) => {
      const updated = tx
        .update(users)
        .set({ passwordHash, mustChangePassword: true })
        .where(eq(users.id, userId))
        .returning({ id: users.id, email: users.email })
        .get();
      if (!updated) return { ok: false as const, reason: "notFound" as const };
      tx.delete(signInThrottle)
        .where(eq(signInThrottle.key, throttleKey("account", updated.email)))
        .run();
      const sessionsEnded = endAllSessions(tx, userId);
      appendAudit(tx, {
        actorId,
        action: "user.password_reset",
        entityType: "user",
        entityId: userId,
        after: { sessionsEnded },
      });
      return { ok: true as const };
    },
    { behavior: "immediate" },
  );
}

export function unlockUser(db: Db, actorId: number, userId: number): { ok: true } | { ok: false; reason: UserRefusal } {
  return db.transaction(
    (tx) => {
      const user = tx.select({ email: users.email }).from(users).where(eq(users.id, userId)).get();
      if (!user) return { ok: false as const, reason: "notFound" as const };
      tx.delete(signInThrottle)
        .where(eq(signInThrottle.key, throttleKey("account", user.email)))
        .run();
      appendAudit(tx, { actorId, action: "user.unlocked", entityType: "user", entityId: userId });
      return { ok: true as const };
    },
    { behavior: "immediate" },
  );
}

/** Activates or deactivates an account; the last active admin cannot be deactivated. */
export function setUserActive(
  db: Db,
  actorId: number,
  userId: number,
  active: boolean,
): { ok: true } | { ok: false; reason: UserRefusal } {
  return db.transaction(
    (tx) => {
      const user = tx.select().from(users).where(eq(users.id, userId)).get();
      if (!user) return { ok: false as const, reason: "notFound" as const };
      if (!active && user.role === "admin" && user.active) {
        const admins = tx
          .select({ n: sql<number>`count(*)` })
          .from(users)
          .where(and(eq(users.role, "admin"), eq(users.active, true)))
          .get()!.n;
        if (admins <= 1) return { ok: false as const, reason: "lastAdmin" as const };
      }
      tx.update(users).set({ active }).where(eq(users.id, userId)).run();
      const sessionsEnded = active ? 0 : endAllSessions(tx, userId);
      appendAudit(tx, {
        actorId,
        action: active ? "user.activated" : "user.deactivated",
        entityType: "user",
        entityId: userId,
        before: { active: user.active },
        after: { active, sessionsEnded },
      });
      return { ok: true as const };
    },
    { behavior: "immediate" },
  );
}

/** A user changes their own password, proving the current one; every session of theirs ends (the caller starts a new one). */
export async function changeOwnPassword(
  db: Db,
  userId: number,
  current: string,
  next: string,
): Promise<{ ok: true } | { ok: false; reason: UserRefusal }> {
  const user = db.select().from(users).where(eq(users.id, userId)).get();
  if (!user) return { ok: false, reason: "notFound" };
  if (!(await verifyPassword(user.passwordHash, current))) return { ok: false, reason: "wrongPassword" };
  const passwordHash = await hashPassword(next);
  db.transaction(
    (tx) => {
      tx.update(users).set({ passwordHash, mustChangePassword: false }).where(eq(users.id, userId)).run();
      const sessionsEnded = endAllSessions(tx, userId);
      appendAudit(tx, {
        actorId: userId,
        action: "user.password_changed",
        entityType: "user",
        entityId: userId,
        after: { sessionsEnded },
      });
    },
    { behavior: "immediate" },
  );
  return { ok: true };
}

/** Whether the user must replace a temporary password before doing anything else. */
export function mustChangePassword(db: Db, userId: number): boolean {
  return db.select({ must: users.mustChangePassword }).from(users).where(eq(users.id, userId)).get()?.must ?? false;
}
