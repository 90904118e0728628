import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import type { VersionSnapshot } from "@/lib/domain";

/** What a submitted version is: whose module, which version, submitted by whom and when, holding what. */
export type VersionRecord = {
  roundId: number;
  cityId: number;
  moduleCode: string;
  version: number;
  submittedBy: number | null;
  submittedAt: Date;
  snapshot: VersionSnapshot;
};

/**
 * The fingerprint of a submitted version: SHA-256 of the RFC 8785 text of the version's record — its round, city,
 * module, number, submitter and time, and its frozen snapshot (answers and evidence as submitted). The printed
 * submission form and the review screen carry it, so that a sealed paper copy can be matched to that very version
 * (a reopened module's next version, with the same answers, has another).
 */
export function versionFingerprint(record: VersionRecord): string {
  return createHash("sha256")
    .update(canonicalize({ ...record, submittedAt: record.submittedAt.toISOString() }) ?? "")
    .digest("hex");
}

/** A fingerprint as people copy it from paper: groups of eight characters. */
export function groupedHash(hash: string): string {
  return hash.match(/.{1,8}/g)?.join(" ") ?? hash;
}
