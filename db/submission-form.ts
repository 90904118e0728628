/**
 * A submitted version of a city's module as its submission form for sealing (填报确认书): every answer and evidence
 * file as the version froze them, who submitted it and when, and the version's fingerprint.
 */
import "server-only";
import { and, eq } from "drizzle-orm";
import { versionFingerprint } from "@/lib/questionnaire/snapshot-hash";
import type { Db } from "./client";
import { loadFrameworkShape } from "./framework";
import { modules, submissions, submissionVersions, users } from "./schema";

export function getSubmissionForm(db: Db, roundId: number, cityId: number, moduleCode: string, version: number) {
  const mod = db
    .select()
    .from(modules)
    .where(and(eq(modules.roundId, roundId), eq(modules.code, moduleCode)))
    .get();
  if (!mod) return null;
  const row = db
    .select({ version: submissionVersions, submittedByName: users.name })
    .from(submissionVersions)
    .innerJoin(submissions, eq(submissions.id, submissionVersions.submissionId))
    .leftJoin(users, eq(users.id, submissionVersions.submittedBy))
    .where(
      and(
        eq(submissions.roundId, roundId),
        eq(submissions.cityId, cityId),
        eq(submissions.moduleId, mod.id),
        eq(submissionVersions.version, version),
      ),
    )
    .get();
  if (!row) return null;
  const [shape] = loadFrameworkShape(db, roundId, [mod.id]);
  return {
    module: mod,
    items: shape?.indicators.flatMap((i) => i.items) ?? [],
    version: row.version.version,
    snapshot: row.version.snapshot,
    submittedAt: row.version.createdAt,
    submittedByName: row.submittedByName,
    hash: versionFingerprint({
      roundId,
      cityId,
      moduleCode: mod.code,
      version: row.version.version,
      submittedBy: row.version.submittedBy,
      submittedAt: row.version.createdAt,
      snapshot: row.version.snapshot,
    }),
  };
}
