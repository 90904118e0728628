import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * The device cookie of OWASP's lockout guidance: after a successful sign-in the browser gets a token bound to
 * the account (an HMAC with the app's secret over a random id and the e-mail address). Sign-in attempts that
 * present it are throttled per device rather than per account (lib/auth/throttle.ts).
 */
export const DEVICE_COOKIE = "cityeval-device";
export const DEVICE_COOKIE_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

function mac(id: string, email: string, secret: string): string {
  return createHmac("sha256", secret).update(`device|${id}|${email.trim().toLowerCase()}`).digest("base64url");
}

export function newDeviceToken(email: string, secret: string): string {
  const id = randomBytes(16).toString("base64url");
  return `${id}.${mac(id, email, secret)}`;
}

/** The device id, if the token was issued to this e-mail address by this instance; otherwise null. */
export function deviceIdOf(token: string | undefined, email: string, secret: string): string | null {
  const [id, given, extra] = (token ?? "").split(".");
  if (!id || !given || extra !== undefined) return null;
  const expected = Buffer.from(mac(id, email, secret));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected) ? id : null;
}
