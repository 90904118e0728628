import { notFound, redirect } from "next/navigation";
import { getDb } from "@/db/client";
import type { Role } from "@/db/schema";
import { getActiveSessionUser, type SessionUser } from "@/db/users";
import { auth } from "./auth";

/**
 * The signed-in user as the database knows them now (a deactivated account or a changed role takes effect
 * at once, not when the JWT expires), or null.
 */
export async function currentUser(): Promise<SessionUser | null> {
  const session = await auth();
  const id = Number(session?.user?.id);
  if (!Number.isInteger(id) || id <= 0) return null;
  return getActiveSessionUser(getDb(), id);
}

/** For pages: anonymous visitors go to sign-in; a signed-in user without one of the roles gets a 404. */
export async function requireRole(...roles: Role[]): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect("/signin");
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
