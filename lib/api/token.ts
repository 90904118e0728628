/**
 * Personal access tokens: 32 random bytes, prefixed so that a leaked one is recognisable (secret scanners, logs),
 * stored only as their SHA-256.
 */
import { createHash, randomBytes } from "node:crypto";

export const TOKEN_PREFIX = "ce_";

export function newToken(): { token: string; hash: string; prefix: string } {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  return { token, hash: hashToken(token), prefix: token.slice(0, TOKEN_PREFIX.length + 6) };
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** The token of an `Authorization: Bearer …` header, or null. */
export function bearerToken(header: string | null): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1] ?? null;
}
