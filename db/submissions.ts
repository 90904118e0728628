/**
 * A city's submissions of its modules: the questionnaire of a module, progress and provisional scores per
 * module, and submitting a version (frozen answers and evidence hashes) for review.
 */
import "server-only";
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import { actingCityOf } from "@/lib/auth/policy";
import type { ModuleStatus, SessionUser, VersionSnapshot } from "@/lib/domain";
import { isAnswered } from "@/lib/questionnaire/answer-schema";
import { findMissing, type MissingEntry } from "@/lib/questionnaire/missing";
import { valueInForce } from "@/lib/review/value-in-force";
import { type ScorableAnswer, scoreFramework } from "@/lib/scoring/engine";
import { moduleStatus } from "@/lib/workflow/module-status";
import { decide, isPastDeadline } from "@/lib/workflow/transitions";
import { listAnswers } from "./answers";
import { appendAudit } from "./audit";
import type { Db } from "./client";
import { type EditRefusal, getSubmission } from "./editing";
import { listEvidence } from "./evidence";
import { loadFrameworkShape, roundRules } from "./framework";
import { carryDecisions, changedSinceLastVersion, listAdjustmentsInForce } from "./item-decisions";
import { notifyStageReviewers } from "./notifications";
import {
  answers,
  cities,
  evidence,
  modules,
  reviewStages,
  roundCities,
  rounds,
  submissions,
  submissionVersions,
} from "./schema";
import { enqueueWebhookEvent } from "./webhooks";

export type { MissingEntry };

/** A module's questionnaire for one city, or null when the module is not part of the round. */
export function getQuestionnaire(db: Db, roundId: number, cityId: number, moduleCode: string) {
  const mod = db
    .select()
    .from(modules)
    .where(and(eq(modules.roundId, roundId), eq(modules.code, moduleCode)))
    .get();
  if (!mod) return null;
  const [shape] = loadFrameworkShape(db, roundId, [mod.id]);
  const submission = getSubmission(db, roundId, cityId, mod.id);
  return {
    module: mod,
    indicators: shape?.indicators ?? [],
    submission,
    answers: submission ? listAnswers(db, submission.id) : [],
    evidence: submission ? listEvidence(db, submission.id) : [],
  };
}

export type ModuleSummary = {
  moduleId: number;
  code: string;
  nameZh: string;
  nameEn: string;
  maxPoints: number;
  status: ModuleStatus;
  version: number;
  answered: number;
  total: number;
  required: number;
  requiredAnswered: number;
  missingEvidence: number;
  /** values copied from last round that the city has not edited or confirmed yet (db/prefill.ts) */
  toCheck: number;
  /** `block` validation rules the answers break: submitting is refused until they hold */
  rulesBroken: number;
  provisionalPoints: number;
  submissionId: number | null;
  /** items whose value in force is a reviewer's adjustment */
  adjustedItems: number;
};

/** Per module of the round: status, progress, missing evidence and the provisional score of one city. */
export function listModuleSummaries(db: Db, roundId: number, cityId: number): ModuleSummary[] {
  const shape = loadFrameworkShape(db, roundId);
  const subs = db
    .select()
    .from(submissions)
    .where(and(eq(submissions.roundId, roundId), eq(submissions.cityId, cityId)))
    .all();
  const subIds = subs.map((s) => s.id);
  const answerRows = subIds.length ? db.select().from(answers).where(inArray(answers.submissionId, subIds)).all() : [];
  const evidenceRows = subIds.length
    ? db
        .select({ itemId: evidence.itemId })
        .from(evidence)
        .where(and(inArray(evidence.submissionId, subIds), isNull(evidence.deletedAt)))
        .all()
    : [];
  // The provisional score by the one rule: reviewers' adjustments in force replace the city's values.
  const adjustmentOf = new Map(listAdjustmentsInForce(db, { submissionIds: subIds }).map((a) => [a.itemId, a]));
  const answerOf = new Map(answerRows.map((a) => [a.itemId, a]));
  const answersByCode: Record<string, ScorableAnswer | undefined> = {};
  for (const item of shape.flatMap((m) => m.indicators.flatMap((i) => i.items))) {
    answersByCode[item.code] = valueInForce(item, answerOf.get(item.id), adjustmentOf.get(item.id));
  }
  const card = scoreFramework(shape, answersByCode);
  const rules = roundRules(db, roundId);
  return shape.map((m) => {
    const moduleItems = m.indicators.flatMap((i) => i.items);
    const sub = subs.find((s) => s.moduleId === m.module.id);
    const ids = new Set(moduleItems.map((i) => i.id));
    const moduleAnswers = answerRows.filter((a) => ids.has(a.itemId));
    const missing = findMissing(
      moduleItems,
      moduleAnswers,
      evidenceRows,
      rules.filter((r) => r.module === m.code),
    );
    const answeredIds = new Set(moduleAnswers.filter((a) => isAnswered(a)).map((a) => a.itemId));
    return {
      moduleId: m.module.id,
      code: m.code,
      nameZh: m.module.nameZh,
      nameEn: m.module.nameEn,
      maxPoints: m.maxPoints,
      status: moduleStatus(sub),
      version: sub?.version ?? 0,
      answered: answeredIds.size,
      total: moduleItems.length,
      required: moduleItems.filter((i) => i.required).length,
      requiredAnswered: moduleItems.filter((i) => i.required && answeredIds.has(i.id)).length,
      missingEvidence: missing.filter((x) => x.what === "evidence").length,
      toCheck: missing.filter((x) => x.what === "confirmation").length,
      rulesBroken: missing.filter((x) => x.what === "rule").length,
      provisionalPoints: card.modules[m.code] ?? 0,
      submissionId: sub?.id ?? null,
      adjustedItems: moduleItems.filter((i) => adjustmentOf.has(i.id)).length,
    };
  });
}

export type SubmitResult =
  | { ok: true; version: number }
  | { ok: false; reason: EditRefusal }
  | { ok: false; reason: "pastDeadline"; deadline: Date }
  | { ok: false; reason: "incomplete"; missing: MissingEntry[] };

/**
 * Submits a module: refused while anything required is missing or after the deadline; otherwise freezes the
 * answers and evidence hashes as a new version, locks the module for the city, and notifies the first
 * stage's reviewers.
 */
export function submitModule(
  db: Db,
  user: SessionUser,
  roundId: number,
  moduleCode: string,
  now = new Date(),
): SubmitResult {
  return db.transaction(
    (tx): SubmitResult => {
      const cityId = actingCityOf(user);
      if (cityId === null) return { ok: false, reason: "roleNotAllowed" };
      const round = tx.select().from(rounds).where(eq(rounds.id, roundId)).get();
      const mod = tx
        .select()
        .from(modules)
        .where(and(eq(modules.roundId, roundId), eq(modules.code, moduleCode)))
        .get();
      const city = tx.select().from(cities).where(eq(cities.id, cityId)).get();
      const participates = tx
        .select()
        .from(roundCities)
        .where(and(eq(roundCities.roundId, roundId), eq(roundCities.cityId, cityId)))
        .get();
      if (!round || !mod || !city || !participates) return { ok: false, reason: "notFound" };
      const submission = getSubmission(tx, roundId, cityId, mod.id);
      const pastDeadline = isPastDeadline(round.submissionDeadline, now);
      const decision = decide("submit", {
        role: user.role,
        state: submission?.status ?? "draft",
        roundStatus: round.status,
        pastDeadline,
      });
      if (!decision.ok) {
        return decision.reason === "pastDeadline"
          ? { ok: false, reason: "pastDeadline", deadline: round.submissionDeadline! }
          : decision;
      }
      const [shape] = loadFrameworkShape(tx, roundId, [mod.id]);
      const moduleItems = shape?.indicators.flatMap((i) => i.items) ?? [];
      const answerRows = submission ? listAnswers(tx, submission.id) : [];
      const evidenceRows = submission ? listEvidence(tx, submission.id) : [];
      const missing = findMissing(moduleItems, answerRows, evidenceRows, roundRules(tx, roundId, moduleCode));
      if (!submission || missing.length) return { ok: false, reason: "incomplete", missing };

      const codeOf = new Map(moduleItems.map((i) => [i.id, i.code]));
      const snapshot: VersionSnapshot = {
        answers: answerRows.map((a) => ({
          itemCode: codeOf.get(a.itemId)!,
          value: a.value,
          notApplicableReason: a.notApplicableReason,
        })),
        evidence: evidenceRows.map((e) => ({
          itemCode: codeOf.get(e.itemId)!,
          kind: e.kind,
          sha256: e.sha256,
          url: e.url,
          originalName: e.originalName,
        })),
      };
      const version = submission.version + 1;
      const [firstStage] = tx
        .select()
        .from(reviewStages)
        .where(eq(reviewStages.roundId, roundId))
        .orderBy(asc(reviewStages.position))
        .all();
      tx.update(submissions)
        .set({ status: decision.to, version, stageId: firstStage?.id ?? null, submittedAt: now, updatedAt: now })
        .where(eq(submissions.id, submission.id))
        .run();
      tx.insert(submissionVersions)
        .values({ submissionId: submission.id, version, snapshot, submittedBy: user.id, createdAt: now })
        .run();
      if (submission.version > 0) {
        // Decisions on the items the city left unchanged stay in force in the new version.
        const changed = changedSinceLastVersion(
          tx,
          submission.id,
          version,
          moduleItems.map((i) => i.code),
        );
        carryDecisions(
          tx,
          submission.id,
          submission.version,
          version,
          new Set(moduleItems.filter((i) => changed.has(i.code)).map((i) => i.id)),
        );
      }
      appendAudit(tx, {
        actorId: user.id,
        action: "submission.submitted",
        entityType: "submission",
        entityId: submission.id,
        roundId,
        cityId,
        before: { status: submission.status, version: submission.version },
        after: { status: decision.to, version, stage: firstStage?.position ?? null },
      });
      if (firstStage) {
        const params = {
          cityZh: city.nameZh,
          cityEn: city.nameEn,
          moduleZh: mod.nameZh,
          moduleEn: mod.nameEn,
          version,
        };
        notifyStageReviewers(tx, submission.id, mod.id, firstStage.id, params, now);
      }
      enqueueWebhookEvent(
        tx,
        "submitted",
        { roundId, cityCode: city.code, moduleCode: mod.code, version, submissionId: submission.id },
        now,
      );
      return { ok: true, version };
    },
    { behavior: "immediate" },
  );
}
