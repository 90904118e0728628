/**
 * Sign-in throttling: failed attempts are counted per client address and per e-mail address typed (whether
 * or not such an account exists), and past a free allowance each further failure blocks that key for a delay
 * that doubles, up to a ceiling. While a key is blocked, attempts are refused without checking the password
 * and do not count, so keeping somebody locked out costs an attacker one guess per delay, the same wait as
 * their victim's; and unknown, wrong-password and blocked accounts all get the same answers.
 */

export type ThrottleKind = "account" | "ip";
export type ThrottleState = { failures: number; lastFailureAt: Date; blockedUntil: Date | null };

/** Failures allowed before the first delay: a person mistyping; an office behind one address is many people. */
export const FREE_FAILURES: Record<ThrottleKind, number> = { account: 5, ip: 20 };
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
