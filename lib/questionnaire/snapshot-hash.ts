import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import type { VersionSnapshot } from "@/lib/domain";

/**
 * The fingerprint of a submitted version: SHA-256 of its frozen snapshot's RFC 8785 text (answers and evidence as
 * submitted). The printed submission form carries it, so that a sealed paper copy can be matched to the record.
 */
export function snapshotHash(snapshot: VersionSnapshot): string {
  return createHash("sha256")
    .update(canonicalize(snapshot) ?? "")
    .digest("hex");
}

/** A fingerprint as people copy it from paper: groups of eight characters. */
export function groupedHash(hash: string): string {
  return hash.match(/.{1,8}/g)?.join(" ") ?? hash;
}
