import { cookies } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { decode } from "next-auth/jwt";
import { getDb } from "@/db/client";
import type { Role } from "@/db/schema";
import { getActiveSessionUser, type SessionUser } from "@/db/users";
import { authSecret } from "@/lib/config/secret";

const SESSION_COOKIES = ["__Secure-authjs.session-token", "authjs.session-token"];

// Decrypting the session JWT costs about a millisecond; the same cookie comes back on every autosave.
// Keyed by the whole encrypted token, so a forged or altered cookie never matches; expiry is re-checked.
const decoded = new Map<string, { uid: number; exp: number }>();
const DECODED_MAX = 10_000;

async function sessionUserId(): Promise<number | null> {
  const store = await cookies();
  const name = SESSION_COOKIES.find((n) => store.has(n));
  const token = name ? store.get(name)?.value : undefined;
  if (!name || !token) return null;
  const now = Date.now() / 1000;
  const hit = decoded.get(token);
  if (hit) return hit.exp > now ? hit.uid : null;
  const payload = await decode({ token, secret: authSecret(), salt: name }).catch(() => null);
  const uid = Number(payload?.uid);
  const exp = Number(payload?.exp);
  if (!Number.isInteger(uid) || uid <= 0 || !(exp > now)) return null;
  if (decoded.size >= DECODED_MAX) decoded.clear();
  decoded.set(token, { uid, exp });
  return uid;
}

/**
 * The signed-in user as the database knows them now (a deactivated account or a changed role takes effect
 * at once, not when the JWT expires), or null. Reads the session JWT directly: `auth()` would run Auth.js's
 * whole session endpoint, re-issuing the cookie, on every request, which costs the autosave path dearly.
 */
export async function currentUser(): Promise<SessionUser | null> {
  const id = await sessionUserId();
  return id === null ? null : getActiveSessionUser(getDb(), id);
}

/** For pages: anonymous visitors go to sign-in; a signed-in user without one of the roles gets a 404. */
export async function requireRole(...roles: Role[]): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect("/signin");
  if (user.mustChangePassword) redirect("/account/password");
  if (!roles.includes(user.role)) notFound();
  return user;
}

/** City staff may see only their own city; admins any city. Everyone else gets a 404. */
export function canSeeCity(user: SessionUser, cityId: number): boolean {
  return user.role === "admin" || (user.role === "city_staff" && user.cityId === cityId);
}

export function homePath(user: Pick<SessionUser, "role">): string {
  return user.role === "admin" ? "/admin" : user.role === "reviewer" ? "/review" : "/city";
}
