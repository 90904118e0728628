import { and, eq, sql } from "drizzle-orm";
import { hashPassword, TIMING_DUMMY_HASH, verifyPassword } from "@/lib/auth/password";
import { appendAudit } from "./audit";
import type { Db } from "./client";
import { users, type Locale, type Role } from "./schema";

export const MAX_FAILED_SIGN_INS = 5;
export const LOCK_MINUTES = 15;

/** What the rest of the app may know about a user: never the password hash or lock counters. */
export type SessionUser = {
  id: number;
  email: string;
  name: string;
  role: Role;
  cityId: number | null;
  locale: Locale;
  /** a temporary password set by an admin must be replaced before anything else */
  mustChangePassword?: boolean;
};

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

export type SignInOutcome =
  | { ok: true; user: SessionUser }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "locked"; lockedUntil: Date };

/**
 * Checks an email and password. Unknown email, inactive account and wrong password are indistinguishable
 * to the caller; the fifth consecutive failure locks the account for LOCK_MINUTES, during which even the
 * right password is refused.
 */
export async function verifyCredentials(db: Db, email: string, password: string, now = new Date()): Promise<SignInOutcome> {
  const user = db.select().from(users).where(eq(users.email, normaliseEmail(email))).get();
  if (!user || !user.active) {
    await verifyPassword(TIMING_DUMMY_HASH, password);
    return { ok: false, reason: "invalid" };
  }
  if (user.lockedUntil && user.lockedUntil > now) return { ok: false, reason: "locked", lockedUntil: user.lockedUntil };

  if (!(await verifyPassword(user.passwordHash, password))) {
    const lockedUntil = new Date(now.getTime() + LOCK_MINUTES * 60_000);
    return db.transaction(
      (tx) => {
        // Counted in SQL so that concurrent wrong attempts cannot overwrite each other's increments.
        const row = tx
          .update(users)
          .set({
            failedLogins: sql`case when ${users.failedLogins} + 1 >= ${MAX_FAILED_SIGN_INS} then 0 else ${users.failedLogins} + 1 end`,
            lockedUntil: sql`case when ${users.failedLogins} + 1 >= ${MAX_FAILED_SIGN_INS} then ${lockedUntil.getTime()} else ${users.lockedUntil} end`,
          })
          .where(eq(users.id, user.id))
          .returning({ lockedUntil: users.lockedUntil })
          .get();
        const justLocked = row?.lockedUntil?.getTime() === lockedUntil.getTime();
        if (justLocked) {
          appendAudit(tx, { actorId: null, action: "user.locked", entityType: "user", entityId: user.id, after: { lockedUntil: lockedUntil.toISOString() } });
        }
        return { ok: false as const, reason: "invalid" as const };
      },
      { behavior: "immediate" },
    );
  }

  db.transaction(
    (tx) => {
      tx.update(users).set({ failedLogins: 0, lockedUntil: null, lastSignInAt: now }).where(eq(users.id, user.id)).run();
      appendAudit(tx, { actorId: user.id, action: "user.signed_in", entityType: "user", entityId: user.id });
    },
    { behavior: "immediate" },
  );
  return { ok: true, user: { id: user.id, email: user.email, name: user.name, role: user.role, cityId: user.cityId, locale: user.locale } };
}

/** The current state of a signed-in user, or null when the account is gone or deactivated. */
export function getActiveSessionUser(db: Db, id: number): SessionUser | null {
  return db.select({ ...sessionColumns, mustChangePassword: users.mustChangePassword }).from(users).where(and(eq(users.id, id), eq(users.active, true))).get() ?? null;
}

export function updateUserLocale(db: Db, id: number, locale: Locale): void {
  db.update(users).set({ locale }).where(eq(users.id, id)).run();
}

/**
 * The password in clear, or already hashed: Argon2 costs tens of milliseconds (seconds on a loaded machine)
 * on purpose, so a seed or a test that gives many accounts one password hashes it once.
 */
export type NewUser = { email: string; name: string; role: Role; cityId?: number | null; locale?: Locale } & (
  | { password: string; passwordHash?: never }
  | { passwordHash: string; password?: never }
);

/** Creates the user, or updates name/role/city/password of an existing one with that email (used by seeds). */
export async function upsertUser(db: Db, input: NewUser, actorId: number | null = null): Promise<number> {
  const passwordHash = input.passwordHash ?? (await hashPassword(input.password!));
  const email = normaliseEmail(input.email);
  return db.transaction(
    (tx) => {
      const values = { email, name: input.name, passwordHash, role: input.role, cityId: input.cityId ?? null };
      const existing = tx.select({ id: users.id }).from(users).where(eq(users.email, email)).get();
      if (existing) {
        // Keeps the user's language; resets everything a demo needs to work again.
        tx.update(users).set({ ...values, active: true, failedLogins: 0, lockedUntil: null }).where(eq(users.id, existing.id)).run();
        return existing.id;
      }
      const { id } = tx.insert(users).values({ ...values, locale: input.locale ?? "zh-CN" }).returning({ id: users.id }).get();
      appendAudit(tx, { actorId, action: "user.created", entityType: "user", entityId: id, after: { email, role: input.role, cityId: input.cityId ?? null } });
      return id;
    },
    { behavior: "immediate" },
  );
}

export function getSessionUserByEmail(db: Db, email: string): SessionUser | null {
  return db.select(sessionColumns).from(users).where(eq(users.email, normaliseEmail(email))).get() ?? null;
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

export function listUsers(db: Db, now = new Date()): UserListEntry[] {
  return db
    .select()
    .from(users)
    .orderBy(users.role, users.email)
    .all()
    .map((u) => ({
      id: u.id,
      email: u.email,
      name: u.name,
      role: u.role,
      cityId: u.cityId,
      active: u.active,
      locked: !!u.lockedUntil && u.lockedUntil > now,
      mustChangePassword: u.mustChangePassword,
      lastSignInAt: u.lastSignInAt,
    }));
}

export type UserRefusal = "notFound" | "emailTaken" | "lastAdmin" | "wrongPassword";

/** An admin creates an account with a temporary password that must be changed at first sign-in. */
export async function createUserByAdmin(db: Db, actorId: number, input: NewUser): Promise<{ ok: true; id: number } | { ok: false; reason: UserRefusal }> {
  const email = normaliseEmail(input.email);
  if (db.select({ id: users.id }).from(users).where(eq(users.email, email)).get()) return { ok: false, reason: "emailTaken" };
  const id = await upsertUser(db, { ...input, email }, actorId);
  db.update(users).set({ mustChangePassword: true }).where(eq(users.id, id)).run();
  return { ok: true, id };
}

/** Sets a temporary password (to be changed at next sign-in) and lifts any lock. */
export async function resetPassword(db: Db, actorId: number, userId: number, temporaryPassword: string): Promise<{ ok: true } | { ok: false; reason: UserRefusal }> {
  const passwordHash = await hashPassword(temporaryPassword);
  return db.transaction(
    (tx) => {
      const updated = tx.update(users).set({ passwordHash, mustChangePassword: true, failedLogins: 0, lockedUntil: null }).where(eq(users.id, userId)).returning({ id: users.id }).get();
      if (!updated) return { ok: false as const, reason: "notFound" as const };
      appendAudit(tx, { actorId, action: "user.password_reset", entityType: "user", entityId: userId });
      return { ok: true as const };
    },
    { behavior: "immediate" },
  );
}

export function unlockUser(db: Db, actorId: number, userId: number): { ok: true } | { ok: false; reason: UserRefusal } {
  return db.transaction(
    (tx) => {
      const updated = tx.update(users).set({ failedLogins: 0, lockedUntil: null }).where(eq(users.id, userId)).returning({ id: users.id }).get();
      if (!updated) return { ok: false as const, reason: "notFound" as const };
      appendAudit(tx, { actorId, action: "user.unlocked", entityType: "user", entityId: userId });
      return { ok: true as const };
    },
    { behavior: "immediate" },
  );
}

/** Activates or deactivates an account; the last active admin cannot be deactivated. */
export function setUserActive(db: Db, actorId: number, userId: number, active: boolean): { ok: true } | { ok: false; reason: UserRefusal } {
  return db.transaction(
    (tx) => {
      const user = tx.select().from(users).where(eq(users.id, userId)).get();
      if (!user) return { ok: false as const, reason: "notFound" as const };
      if (!active && user.role === "admin" && user.active) {
        const admins = tx.select({ n: sql<number>`count(*)` }).from(users).where(and(eq(users.role, "admin"), eq(users.active, true))).get()!.n;
        if (admins <= 1) return { ok: false as const, reason: "lastAdmin" as const };
      }
      tx.update(users).set({ active }).where(eq(users.id, userId)).run();
      appendAudit(tx, { actorId, action: active ? "user.activated" : "user.deactivated", entityType: "user", entityId: userId, before: { active: user.active }, after: { active } });
      return { ok: true as const };
    },
    { behavior: "immediate" },
  );
}

/** A user changes their own password, proving the current one. */
export async function changeOwnPassword(db: Db, userId: number, current: string, next: string): Promise<{ ok: true } | { ok: false; reason: UserRefusal }> {
  const user = db.select().from(users).where(eq(users.id, userId)).get();
  if (!user) return { ok: false, reason: "notFound" };
  if (!(await verifyPassword(user.passwordHash, current))) return { ok: false, reason: "wrongPassword" };
  const passwordHash = await hashPassword(next);
  db.transaction(
    (tx) => {
      tx.update(users).set({ passwordHash, mustChangePassword: false }).where(eq(users.id, userId)).run();
      appendAudit(tx, { actorId: userId, action: "user.password_changed", entityType: "user", entityId: userId });
    },
    { behavior: "immediate" },
  );
  return { ok: true };
}

/** Whether the user must replace a temporary password before doing anything else. */
export function mustChangePassword(db: Db, userId: number): boolean {
  return db.select({ must: users.mustChangePassword }).from(users).where(eq(users.id, userId)).get()?.must ?? false;
}
