/**
 * Sign-in throttling: failed attempts are counted per client address and per e-mail address typed (whether
 * or not such an account exists), and past a free allowance each further failure blocks that key for a delay
 * that doubles, up to a ceiling. While a key is blocked, attempts are refused without checking the password
 * and do not count; unknown, wrong-password and blocked accounts all get the same answers.
 * A browser where the account signed in before carries a device cookie (lib/auth/device.ts): its attempts
 * count against that device instead of the whole account, so a stranger's failures cannot lock the account's
 * owner out of their own computer — locking somebody out costs the attacker their own guesses, not the victim's.
 * Attempts on one key are taken one at a time (withKeyLocks), so a burst of parallel requests gets no more
 * guesses than a sequence.
 */

export type ThrottleKind = "account" | "device" | "ip";
export type ThrottleState = { failures: number; lastFailureAt: Date; blockedUntil: Date | null };

/** Failures allowed before the first delay: a person mistyping; an office behind one address is many people. */
export const FREE_FAILURES: Record<ThrottleKind, number> = { account: 5, device: 5, ip: 20 };
export const FIRST_DELAY_MS = 30_000;
export const MAX_DELAY_MS = 15 * 60_000;
/** A key with no failure for this long starts again from zero. */
export const FORGET_AFTER_MS = 24 * 60 * 60_000;

export function throttleKey(kind: ThrottleKind, value: string): string {
  return `${kind}:${value.trim().toLowerCase()}`;
}

/** The delay after the `failures`-th failure: none within the allowance, then 30 s, 1 min, 2 min … 15 min. */
export function delayAfter(kind: ThrottleKind, failures: number): number {
  const over = failures - FREE_FAILURES[kind];
  if (over < 0) return 0;
  return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.min(over, 20));
}

/** Until when the key refuses attempts, or null. */
export function blockedUntil(state: ThrottleState | undefined, now: Date): Date | null {
  return state?.blockedUntil && state.blockedUntil > now ? state.blockedUntil : null;
}

/** The state after one more failure. */
export function afterFailure(kind: ThrottleKind, state: ThrottleState | undefined, now: Date): ThrottleState {
  const fresh = !state || now.getTime() - state.lastFailureAt.getTime() > FORGET_AFTER_MS;
  const failures = (fresh ? 0 : state.failures) + 1;
  const delay = delayAfter(kind, failures);
  return { failures, lastFailureAt: now, blockedUntil: delay ? new Date(now.getTime() + delay) : null };
}

/**
 * The client's address from `X-Forwarded-For`: its last entry is the one the nearest proxy saw (Next.js
 * fills the header with the socket's address when no proxy set it). Null when there is none.
 */
export function clientAddress(forwardedFor: string | null): string | null {
  const last = forwardedFor?.split(",").at(-1)?.trim();
  return last ? last.replace(/^::ffff:/, "") : null;
}

const tails = new Map<string, Promise<void>>();

/**
 * Runs `run` while holding a lock on every key (in one order, so two callers never wait on each other):
 * one server process owns the database, so an in-process lock serialises every attempt on a key.
 */
export async function withKeyLocks<T>(keys: string[], run: () => Promise<T>): Promise<T> {
  const releases: (() => void)[] = [];
  try {
    for (const key of [...new Set(keys)].sort()) {
      const previous = tails.get(key) ?? Promise.resolve();
      let release!: () => void;
      const tail = previous.then(() => new Promise<void>((resolve) => (release = resolve)));
      tails.set(key, tail);
      await previous;
      releases.push(() => {
        release();
        if (tails.get(key) === tail) tails.delete(key);
      });
    }
    return await run();
  } finally {
    for (const release of releases) release();
  }
}
