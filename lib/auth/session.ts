import { cookies } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { decode } from "next-auth/jwt";
import { getDb } from "@/db/client";
import { sessionUser } from "@/db/sessions";
import { sessionLimits } from "@/lib/config/limits";
import { authSecret } from "@/lib/config/secret";
import type { Role, SessionUser } from "@/lib/domain";
import { requestContext } from "@/lib/server/request-context";

const SESSION_COOKIES = ["__Secure-authjs.session-token", "authjs.session-token"];

// Decrypting the session JWT costs about a millisecond; the same cookie comes back on every autosave.
// Keyed by the whole encrypted token, so a forged or altered cookie never matches; expiry is re-checked.
type Claims = { uid: number; sid: string; exp: number };
const decoded = new Map<string, Claims>();
const DECODED_MAX = 10_000;

async function sessionClaims(): Promise<Claims | null> {
  const store = await cookies();
  const name = SESSION_COOKIES.find((n) => store.has(n));
  const token = name ? store.get(name)?.value : undefined;
  if (!name || !token) return null;
  const now = Date.now() / 1000;
  const hit = decoded.get(token);
  if (hit) return hit.exp > now ? hit : null;
  const payload = await decode({ token, secret: authSecret(), salt: name }).catch(() => null);
  const claims = { uid: Number(payload?.uid), sid: String(payload?.sid ?? ""), exp: Number(payload?.exp) };
  if (!Number.isInteger(claims.uid) || claims.uid <= 0 || !claims.sid || !(claims.exp > now)) return null;
  if (decoded.size >= DECODED_MAX) decoded.clear();
  decoded.set(token, claims);
  return claims;
}

/**
 * The signed-in user as the database knows them now, or null: the cookie's session must still be live
 * (db/sessions.ts: not signed out, not ended by a password change, reset or deactivation, not idle too long),
 * and a changed role takes effect at once. Reads the session JWT directly: `auth()` would run Auth.js's
 * whole session endpoint, re-issuing the cookie, on every request, which costs the autosave path dearly.
 */
export async function currentUser(): Promise<SessionUser | null> {
  const claims = await sessionClaims();
  const user = claims === null ? null : sessionUser(getDb(), claims.sid, claims.uid, sessionLimits());
  const context = requestContext();
  if (context && user) context.userId = user.id; // for the request's log line
  return user;
}

/** For pages: anonymous visitors go to sign-in; a signed-in user without one of the roles gets a 404. */
export async function requireRole(...roles: Role[]): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect("/signin");
  if (user.mustChangePassword) redirect("/account/password");
  if (!roles.includes(user.role)) notFound();
  return user;
}

export function homePath(user: Pick<SessionUser, "role">): string {
  return user.role === "admin" ? "/admin" : user.role === "reviewer" ? "/review" : "/city";
}
