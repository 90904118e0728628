/**
 * Personal access tokens for /api/v1 (schema: api_tokens). A user creates and revokes their own; an admin any
 * user's. A token acts as its user (role, city) within its scope (read, or read and write) until it expires or is
 * revoked, and only while the user is active. Creation and revocation are audited.
 */
import "server-only";
import { and, desc, eq, gt, isNull } from "drizzle-orm";
import { hashToken, newToken } from "@/lib/api/token";
import { isAdmin } from "@/lib/auth/policy";
import type { SessionUser } from "@/lib/domain";
import { appendAudit } from "./audit";
import type { Db } from "./client";
import { apiTokens, users } from "./schema";

export type TokenScope = "read" | "write";
export type TokenRefusal = "notFound" | "roleNotAllowed";

/** Tokens last at most a year: a forgotten one stops working on its own. */
export const TOKEN_MAX_DAYS = 365;

export function createApiToken(
  db: Db,
  actor: SessionUser,
  input: { userId?: number; name: string; scope: TokenScope; expiresInDays: number },
  now = new Date(),
): { ok: true; id: number; token: string; expiresAt: Date } | { ok: false; reason: TokenRefusal } {
  const userId = input.userId ?? actor.id;
  if (userId !== actor.id && !isAdmin(actor)) return { ok: false, reason: "roleNotAllowed" };
  // An admin may give someone a token to read with, never one to write as them: every write is the user's own.
  if (userId !== actor.id && input.scope === "write") return { ok: false, reason: "roleNotAllowed" };
  const owner = db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, userId), eq(users.active, true), eq(users.synthetic, false)))
    .get();
  if (!owner) return { ok: false, reason: "notFound" };
  const { token, hash, prefix } = newToken();
  const expiresAt = new Date(now.getTime() + Math.min(input.expiresInDays, TOKEN_MAX_DAYS) * 86_400_000);
  return db.transaction(
    (tx) => {
      const { id } = tx
        .insert(apiTokens)
        .values({
          userId,
          name: input.name,
          tokenHash: hash,
          prefix,
          scope: input.scope,
          createdBy: actor.id,
          createdAt: now,
          expiresAt,
        })
        .returning({ id: apiTokens.id })
        .get();
      appendAudit(tx, {
        actorId: actor.id,
        action: "api_token.created",
        entityType: "api_token",
        entityId: id,
        after: { userId, name: input.name, scope: input.scope, prefix, expiresAt: expiresAt.toISOString() },
      });
      return { ok: true as const, id, token, expiresAt };
    },
    { behavior: "immediate" },
  );
}

export function revokeApiToken(
  db: Db,
  actor: SessionUser,
  tokenId: number,
  now = new Date(),
): { ok: true } | { ok: false; reason: TokenRefusal } {
  return db.transaction(
    (tx) => {
      const row = tx.select().from(apiTokens).where(eq(apiTokens.id, tokenId)).get();
      // Another user's token is "not found" to anyone but an admin.
      if (!row || (row.userId !== actor.id && !isAdmin(actor)))
        return { ok: false as const, reason: "notFound" as const };
      if (row.revokedAt) return { ok: true as const };
      tx.update(apiTokens).set({ revokedAt: now, revokedBy: actor.id }).where(eq(apiTokens.id, tokenId)).run();
      appendAudit(tx, {
        actorId: actor.id,
        action: "api_token.revoked",
        entityType: "api_token",
        entityId: tokenId,
        before: { userId: row.userId, name: row.name, prefix: row.prefix },
      });
      return { ok: true as const };
    },
    { behavior: "immediate" },
  );
}

/** A user's tokens (an admin: everyone's), newest first; never the token itself. */
export function listApiTokens(db: Db, viewer: SessionUser) {
  return db
    .select({
      id: apiTokens.id,
      userId: apiTokens.userId,
      email: users.email,
      name: apiTokens.name,
      prefix: apiTokens.prefix,
      scope: apiTokens.scope,
      createdAt: apiTokens.createdAt,
      expiresAt: apiTokens.expiresAt,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(isAdmin(viewer) ? undefined : eq(apiTokens.userId, viewer.id))
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id))
    .all();
}

/**
 * The user a bearer token acts as, with its id and scope: null for an unknown, revoked or expired token or an
 * inactive user. Marks the token used (at most once a minute, to spare the database a write per request).
 */
export function authenticateToken(
  db: Db,
  token: string,
  now = new Date(),
): { user: SessionUser; tokenId: number; scope: TokenScope } | null {
  const row = db
    .select({
      tokenId: apiTokens.id,
      scope: apiTokens.scope,
      lastUsedAt: apiTokens.lastUsedAt,
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      cityId: users.cityId,
      locale: users.locale,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(
      and(
        eq(apiTokens.tokenHash, hashToken(token)),
        isNull(apiTokens.revokedAt),
        gt(apiTokens.expiresAt, now),
        eq(users.active, true),
        // A password an admin reset (a compromised account?) holds the tokens too, until the user sets a new one.
        eq(users.mustChangePassword, false),
      ),
    )
    .get();
  if (!row) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000)
    db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.tokenId)).run();
  const { tokenId, scope, id, email, name, role, cityId, locale } = row;
  return { user: { id, email, name, role, cityId, locale }, tokenId, scope };
}
