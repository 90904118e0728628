/** Signing in: checking an e-mail address and password, with the throttling of failed attempts (lib/auth/throttle.ts). */
import "server-only";
import { eq, lt } from "drizzle-orm";
import { TIMING_DUMMY_HASH, verifyPassword } from "@/lib/auth/password";
import { afterFailure, blockedUntil, FORGET_AFTER_MS, throttleKey, withKeyLocks } from "@/lib/auth/throttle";
import type { SessionUser } from "@/lib/domain";
import { appendAudit } from "./audit";
import type { Db, Tx } from "./client";
import { signInThrottle, users } from "./schema";
import { normaliseEmail } from "./users";

export type SignInOutcome =
  | { ok: true; user: SessionUser }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAt: Date };

type Throttle = typeof signInThrottle.$inferSelect;

function readThrottle(tx: Db | Tx, key: string): Throttle | undefined {
  return tx.select().from(signInThrottle).where(eq(signInThrottle.key, key)).get();
}

/** Where an attempt comes from: the client's address and the device id of a valid device cookie (lib/auth/device.ts). */
export type AttemptOrigin = { client: string | null; deviceId?: string | null };

/**
 * Checks an e-mail address and password, throttled per client address and per e-mail address typed — or,
 * from a browser that signed in to this account before, per that device (lib/auth/throttle.ts). Unknown
 * address, inactive account, wrong password and a blocked key give the same answers whether or not the account
 * exists. A block of a real account, and its end, are audited. Attempts on one key run one at a time.
 */
export async function verifyCredentials(
  db: Db,
  email: string,
  password: string,
  origin: AttemptOrigin,
  now = new Date(),
): Promise<SignInOutcome> {
  const address = normaliseEmail(email);
  const own = origin.deviceId
    ? { kind: "device" as const, key: throttleKey("device", origin.deviceId) }
    : { kind: "account" as const, key: throttleKey("account", address) };
  const keys = [own, ...(origin.client ? [{ kind: "ip" as const, key: throttleKey("ip", origin.client) }] : [])];
  return withKeyLocks(
    keys.map((k) => k.key),
    async () => {
      const blocked = keys.map((k) => blockedUntil(readThrottle(db, k.key), now)).filter((d): d is Date => d !== null);
      if (blocked.length)
        return { ok: false, reason: "throttled", retryAt: new Date(Math.max(...blocked.map((d) => d.getTime()))) };

      const user = db.select().from(users).where(eq(users.email, address)).get();
      const known = !!user && user.active;
      const passwordOk = await verifyPassword(known ? user.passwordHash : TIMING_DUMMY_HASH, password);
      return db.transaction(
        (tx): SignInOutcome => {
          const previous = readThrottle(tx, own.key);
          // The end of an earlier block of this account: recorded at the first attempt after it.
          if (user && own.kind === "account" && previous?.blockedUntil && previous.blockedUntil <= now) {
            appendAudit(tx, {
              actorId: null,
              action: "user.lock_ended",
              entityType: "user",
              entityId: user.id,
              after: { blockedUntil: previous.blockedUntil.toISOString() },
            });
            tx.update(signInThrottle).set({ blockedUntil: null }).where(eq(signInThrottle.key, own.key)).run();
          }
          if (known && passwordOk) {
            // A device's count starts again; the account's does not, so that whether a sign-in happened (and so
            // whether the account exists) cannot be read from it. It is forgotten a day after its last failure.
            if (own.kind === "device") tx.delete(signInThrottle).where(eq(signInThrottle.key, own.key)).run();
            tx.update(users).set({ lastSignInAt: now }).where(eq(users.id, user.id)).run();
            appendAudit(tx, { actorId: user.id, action: "user.signed_in", entityType: "user", entityId: user.id });
            return {
              ok: true,
              user: {
                id: user.id,
                email: user.email,
                name: user.name,
                role: user.role,
                cityId: user.cityId,
                locale: user.locale,
              },
            };
          }
          tx.delete(signInThrottle)
            .where(lt(signInThrottle.lastFailureAt, new Date(now.getTime() - FORGET_AFTER_MS)))
            .run();
          for (const { kind, key } of keys) {
            const next = afterFailure(kind, readThrottle(tx, key), now);
            tx.insert(signInThrottle)
              .values({ key, ...next })
              .onConflictDoUpdate({ target: signInThrottle.key, set: next })
              .run();
            if (kind === "account" && user && next.blockedUntil) {
              appendAudit(tx, {
                actorId: null,
                action: "user.locked",
                entityType: "user",
                entityId: user.id,
                after: { failures: next.failures, blockedUntil: next.blockedUntil.toISOString() },
              });
            }
          }
          return { ok: false, reason: "invalid" };
        },
        { behavior: "immediate" },
      );
    },
  );
}
