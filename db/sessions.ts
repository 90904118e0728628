import "server-only";
import { randomBytes } from "node:crypto";
import { and, eq, lt } from "drizzle-orm";
import type { SessionUser } from "@/lib/domain";
import { type Db, isDatabaseBusy, type Tx } from "./client";
import { sessions, users } from "./schema";

/** A session's last-seen time is written at most this often: the autosave path must not write on every keystroke. */
export const TOUCH_EVERY_MS = 60_000;

export type SessionLimits = { maxAgeMs: number; idleMs: number };

/** Starts a session for a user who has just proven their password; returns its id for the cookie. */
export function createSession(db: Db | Tx, userId: number, limits: SessionLimits, now = new Date()): string {
  const id = randomBytes(32).toString("base64url");
  // Expired sessions of anyone go at the same time, so the table never grows beyond the live ones.
  db.delete(sessions).where(lt(sessions.expiresAt, now)).run();
  db.insert(sessions)
    .values({ id, userId, createdAt: now, lastSeenAt: now, expiresAt: new Date(now.getTime() + limits.maxAgeMs) })
    .run();
  return id;
}

/**
 * The user of a live session, or null: the session was ended (sign-out, password change or reset,
 * deactivation), has been idle longer than `idleMs`, is past its absolute end, or is not this user's.
 * A live session's last-seen time moves forward.
 */
export function sessionUser(
  db: Db,
  sessionId: string,
  userId: number,
  limits: SessionLimits,
  now = new Date(),
): SessionUser | null {
  const row = db
    .select({
      session: sessions,
      user: {
        id: users.id,
        email: users.email,
        name: users.name,
        role: users.role,
        cityId: users.cityId,
        locale: users.locale,
        mustChangePassword: users.mustChangePassword,
      },
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), eq(users.active, true)))
    .get();
  if (!row) return null;
  const { session } = row;
  if (session.expiresAt <= now || now.getTime() - session.lastSeenAt.getTime() > limits.idleMs) {
    unlessBusy(() => db.delete(sessions).where(eq(sessions.id, sessionId)).run());
    return null;
  }
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS)
    unlessBusy(() => db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, sessionId)).run());
  return row.user;
}

/**
 * Housekeeping on a read (last seen, removing an ended session) must not fail the request when another process
 * holds the write lock: the answer does not depend on it, and a later request does it.
 */
function unlessBusy(write: () => unknown): void {
  try {
    write();
  } catch (error) {
    if (!isDatabaseBusy(error)) throw error;
  }
}

/** Ends every session of the user at once, wherever their cookies are. */
export function endAllSessions(db: Db | Tx, userId: number): number {
  return db.delete(sessions).where(eq(sessions.userId, userId)).run().changes;
}
