import { createHash } from "node:crypto";
import canonicalize from "canonicalize";

export const GENESIS_HASH = "0".repeat(64);

export type AuditFields = {
  at: number;
  actorId: number | null;
  action: string;
  entityType: string;
  entityId: string | null;
  roundId: number | null;
  cityId: number | null;
  before: unknown;
  after: unknown;
};

/** Each row's hash covers its own fields and the previous row's hash (RFC 8785 canonical JSON). */
export function auditRowHash(prevHash: string, fields: AuditFields): string {
  return createHash("sha256")
    .update(prevHash)
    .update(canonicalize({ ...fields, before: fields.before ?? null, after: fields.after ?? null }) ?? "")
    .digest("hex");
}
