/**
 * The one derivation of a city × module's status: its submission's status, or not_started before the first
 * edit; and which statuses let a round be finalised. Every screen and the finalise gate use these.
 */
import type { ModuleStatus, SubmissionStatus } from "@/lib/domain";

export function moduleStatus(submission: { status: SubmissionStatus } | null | undefined): ModuleStatus {
  return submission?.status ?? "not_started";
}

/** Verified, or closed by an admin as not submitted: nothing about it can block finalising. */
export function isSettled(status: ModuleStatus): boolean {
  return status === "verified" || status === "not_submitted";
}

/** Per city × module, from a round's submissions; every pair without one is not_started. */
export function moduleStatusLookup(
  rows: { cityId: number; moduleId: number; status: SubmissionStatus }[],
): (cityId: number, moduleId: number) => ModuleStatus {
  const byPair = new Map(rows.map((r) => [`${r.cityId}:${r.moduleId}`, r]));
  return (cityId, moduleId) => moduleStatus(byPair.get(`${cityId}:${moduleId}`));
}

/**
 * How many city × module pairs are in each status, from counts of submissions by status: every pair without a
 * submission is not_started. (The round overviews count in SQL and derive the rest here.)
 */
export function countByStatus(
  pairs: number,
  submissionCounts: { status: SubmissionStatus; n: number }[],
): Partial<Record<ModuleStatus, number>> {
  const counts: Partial<Record<ModuleStatus, number>> = {};
  let started = 0;
  for (const { status, n } of submissionCounts) {
    counts[status] = (counts[status] ?? 0) + n;
    started += n;
  }
  counts.not_started = Math.max(0, pairs - started);
  return counts;
}

/** Still with the city (not yet, or again not, submitted): what a passed submission deadline makes overdue. */
export function isWithCity(status: ModuleStatus): boolean {
  return status === "not_started" || status === "draft" || status === "returned";
}
