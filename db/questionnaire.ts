/**
 * The city's questionnaire: reading a module, saving answers with optimistic concurrency, evidence rows and
 * submitting. Every write re-reads the state inside an immediate transaction and asks lib/workflow.
 */
import "server-only";
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { SessionUser } from "@/lib/domain";
import { actingCityOf, isInSubmittedVersion, mayActForCity, mayDownloadEvidence } from "@/lib/auth/policy";
import { isAnswered } from "@/lib/questionnaire/answer-schema";
import type { ScoringRule } from "@/lib/framework/schema";
import { valueInForce } from "@/lib/review/value-in-force";
import { scoreFramework, type ScorableAnswer } from "@/lib/scoring/engine";
import { decide, isPastDeadline, type WorkflowRefusal } from "@/lib/workflow/transitions";
import { reviewerAssignments } from "./assignments";
import { appendAudit } from "./audit";
import { carryDecisions, changedSinceLastVersion, listAdjustmentsInForce, notifyStageReviewers, reopenedItemIds } from "./reviews";
import type { Db, Tx } from "./client";
import {
  answers,
  cities,
  evidence,
  indicators,
  items,
  modules,
  reviewStages,
  roundCities,
  rounds,
  submissions,
  submissionVersions,
  users,
} from "./schema";
import type { VersionSnapshot } from "@/lib/domain";


export type QuestionnaireItem = typeof items.$inferSelect;
export type StoredAnswer = {
  itemId: number;
  value: unknown;
  notApplicableReason: string | null;
  revision: number;
  updatedAt: Date;
  updatedByName: string | null;
};
export type EvidenceEntry = {
  id: number;
  itemId: number;
  kind: "file" | "url";
  url: string | null;
  originalName: string | null;
  size: number | null;
  mime: string | null;
  sha256: string | null;
  uploadedAt: Date;
  uploaderName: string;
};

export type ShapeItem = QuestionnaireItem & { rule: ScoringRule };
export type ShapeIndicator = { code: string; maxPoints: number; indicator: typeof indicators.$inferSelect; items: ShapeItem[] };
export type ShapeModule = { code: string; maxPoints: number; module: typeof modules.$inferSelect; indicators: ShapeIndicator[] };

/** Items of a round's modules in framework order, nested as the scoring engine expects. */
export function loadFrameworkShape(db: Db | Tx, roundId: number, moduleIds?: number[]): ShapeModule[] {
  const rows = db
    .select({ module: modules, indicator: indicators, item: items })
    .from(items)
    .innerJoin(indicators, eq(indicators.id, items.indicatorId))
    .innerJoin(modules, eq(modules.id, indicators.moduleId))
    .where(and(eq(modules.roundId, roundId), moduleIds ? inArray(modules.id, moduleIds) : undefined))
    .orderBy(asc(modules.position), asc(indicators.position), asc(items.position))
    .all();
  const shape: ShapeModule[] = [];
  for (const row of rows) {
    let mod = shape.at(-1);
    if (mod?.module.id !== row.module.id) {
      mod = { code: row.module.code, maxPoints: row.module.maxPoints, module: row.module, indicators: [] };
      shape.push(mod);
    }
    let ind = mod.indicators.at(-1);
    if (ind?.indicator.id !== row.indicator.id) {
      ind = { code: row.indicator.code, maxPoints: row.indicator.maxPoints, indicator: row.indicator, items: [] };
      mod.indicators.push(ind);
    }
    ind.items.push({ ...row.item, rule: row.item.scoringRule });
  }
  return shape;
}

function getSubmission(db: Db | Tx, roundId: number, cityId: number, moduleId: number) {
  return (
    db
      .select()
      .from(submissions)
      .where(and(eq(submissions.roundId, roundId), eq(submissions.cityId, cityId), eq(submissions.moduleId, moduleId)))
      .get() ?? null
  );
}

function listAnswers(db: Db | Tx, submissionId: number, itemId?: number): StoredAnswer[] {
  return db
    .select({
      itemId: answers.itemId,
      value: answers.value,
      notApplicableReason: answers.notApplicableReason,
      revision: answers.revision,
      updatedAt: answers.updatedAt,
      updatedByName: users.name,
    })
    .from(answers)
    .leftJoin(users, eq(users.id, answers.updatedBy))
    .where(and(eq(answers.submissionId, submissionId), itemId === undefined ? undefined : eq(answers.itemId, itemId)))
    .all();
}

function listEvidence(db: Db | Tx, submissionId: number): EvidenceEntry[] {
  return db
    .select({
      id: evidence.id,
      itemId: evidence.itemId,
      kind: evidence.kind,
      url: evidence.url,
      originalName: evidence.originalName,
      size: evidence.size,
      mime: evidence.mime,
      sha256: evidence.sha256,
      uploadedAt: evidence.uploadedAt,
      uploaderName: users.name,
    })
    .from(evidence)
    .innerJoin(users, eq(users.id, evidence.uploadedBy))
    .where(and(eq(evidence.submissionId, submissionId), isNull(evidence.deletedAt)))
    .orderBy(asc(evidence.uploadedAt), asc(evidence.id))
    .all();
}

/** A module's questionnaire for one city, or null when the module is not part of the round. */
export function getQuestionnaire(db: Db, roundId: number, cityId: number, moduleCode: string) {
  const mod = db.select().from(modules).where(and(eq(modules.roundId, roundId), eq(modules.code, moduleCode))).get();
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

export type MissingEntry = { itemCode: string; what: "answer" | "evidence" };

/** What a submission still lacks: every required answer, and evidence for every answered item that needs it. */
export function findMissing(
  moduleItems: Pick<QuestionnaireItem, "id" | "code" | "required" | "evidenceRequired">[],
  answerRows: Pick<StoredAnswer, "itemId" | "value" | "notApplicableReason">[],
  evidenceRows: Pick<EvidenceEntry, "itemId">[],
): MissingEntry[] {
  const byItem = new Map(answerRows.map((a) => [a.itemId, a]));
  const missing: MissingEntry[] = [];
  for (const item of moduleItems) {
    const answer = byItem.get(item.id);
    if (item.required && !isAnswered(answer)) missing.push({ itemCode: item.code, what: "answer" });
    const notApplicable = !!answer?.notApplicableReason;
    if (item.evidenceRequired && !notApplicable && !evidenceRows.some((e) => e.itemId === item.id)) {
      missing.push({ itemCode: item.code, what: "evidence" });
    }
  }
  return missing;
}

export type ModuleSummary = {
  moduleId: number;
  code: string;
  nameZh: string;
  nameEn: string;
  maxPoints: number;
  status: (typeof submissions.$inferSelect)["status"] | "not_started";
  version: number;
  answered: number;
  total: number;
  required: number;
  requiredAnswered: number;
  missingEvidence: number;
  provisionalPoints: number;
  submissionId: number | null;
  /** items whose value in force is a reviewer's adjustment */
  adjustedItems: number;
};

/** Per module of the round: status, progress, missing evidence and the provisional score of one city. */
export function listModuleSummaries(db: Db, roundId: number, cityId: number): ModuleSummary[] {
  const shape = loadFrameworkShape(db, roundId);
  const subs = db.select().from(submissions).where(and(eq(submissions.roundId, roundId), eq(submissions.cityId, cityId))).all();
  const subIds = subs.map((s) => s.id);
  const answerRows = subIds.length ? db.select().from(answers).where(inArray(answers.submissionId, subIds)).all() : [];
  const evidenceRows = subIds.length
    ? db.select({ itemId: evidence.itemId }).from(evidence).where(and(inArray(evidence.submissionId, subIds), isNull(evidence.deletedAt))).all()
    : [];
  // The provisional score by the one rule: reviewers' adjustments in force replace the city's values.
  const adjustmentOf = new Map(listAdjustmentsInForce(db, { submissionIds: subIds }).map((a) => [a.itemId, a]));
  const answerOf = new Map(answerRows.map((a) => [a.itemId, a]));
  const answersByCode: Record<string, ScorableAnswer | undefined> = {};
  for (const item of shape.flatMap((m) => m.indicators.flatMap((i) => i.items))) {
    answersByCode[item.code] = valueInForce(item, answerOf.get(item.id), adjustmentOf.get(item.id));
  }
  const card = scoreFramework(shape, answersByCode);
  return shape.map((m) => {
    const moduleItems = m.indicators.flatMap((i) => i.items);
    const sub = subs.find((s) => s.moduleId === m.module.id);
    const ids = new Set(moduleItems.map((i) => i.id));
    const moduleAnswers = answerRows.filter((a) => ids.has(a.itemId));
    const missing = findMissing(moduleItems, moduleAnswers, evidenceRows);
    const answeredIds = new Set(moduleAnswers.filter((a) => isAnswered(a)).map((a) => a.itemId));
    return {
      moduleId: m.module.id,
      code: m.code,
      nameZh: m.module.nameZh,
      nameEn: m.module.nameEn,
      maxPoints: m.maxPoints,
      status: sub?.status ?? "not_started",
      version: sub?.version ?? 0,
      answered: answeredIds.size,
      total: moduleItems.length,
      required: moduleItems.filter((i) => i.required).length,
      requiredAnswered: moduleItems.filter((i) => i.required && answeredIds.has(i.id)).length,
      missingEvidence: missing.filter((x) => x.what === "evidence").length,
      provisionalPoints: card.modules[m.code] ?? 0,
      submissionId: sub?.id ?? null,
      adjustedItems: moduleItems.filter((i) => adjustmentOf.has(i.id)).length,
    };
  });
}

export type EditRefusal = WorkflowRefusal | "notFound" | "itemLocked";

/** The item, its round and the city's submission (null before the first edit), if the user may edit it now. */
function checkEditable(db: Db | Tx, user: SessionUser, itemId: number) {
  const cityId = actingCityOf(user);
  if (cityId === null) return { ok: false as const, reason: "roleNotAllowed" as const };
  const row = db
    .select({ item: items, round: rounds, moduleId: indicators.moduleId })
    .from(items)
    .innerJoin(indicators, eq(indicators.id, items.indicatorId))
    .innerJoin(rounds, eq(rounds.id, items.roundId))
    .innerJoin(roundCities, and(eq(roundCities.roundId, items.roundId), eq(roundCities.cityId, cityId)))
    .where(eq(items.id, itemId))
    .get();
  if (!row) return { ok: false as const, reason: "notFound" as const };
  const submission = getSubmission(db, row.round.id, cityId, row.moduleId);
  const decision = decide("edit", { role: user.role, state: submission?.status ?? "draft", roundStatus: row.round.status });
  if (!decision.ok) return decision;
  // In a returned module only the queried items reopen; everything else stays locked with its approval.
  if (submission?.status === "returned" && !reopenedItemIds(db, submission.id, submission.version).has(itemId)) {
    return { ok: false as const, reason: "itemLocked" as const };
  }
  return { ok: true as const, cityId, ...row, submission };
}

/** Like checkEditable, creating the draft submission on first edit; inside the caller's write transaction. */
function openForEdit(tx: Tx, user: SessionUser, itemId: number, now: Date) {
  const check = checkEditable(tx, user, itemId);
  if (!check.ok) return check;
  const submission =
    check.submission ??
    tx
      .insert(submissions)
      .values({ roundId: check.round.id, cityId: check.cityId, moduleId: check.moduleId, status: "draft", version: 0, updatedAt: now })
      .returning()
      .get();
  return { ...check, submission };
}

/** The item's constraints, for validating a save before it is attempted; null when not the city's to edit. */
export function getItemForCity(db: Db, itemId: number, cityId: number) {
  return hotQueries(db).itemForCity.get({ itemId, cityId })?.item ?? null;
}

/**
 * Prepared statements of the autosave path, built once per connection: query building costs more than
 * running these small indexed queries.
 */
const prepared = new WeakMap<Db, ReturnType<typeof prepareHotQueries>>();

function hotQueries(db: Db) {
  let queries = prepared.get(db);
  if (!queries) {
    queries = prepareHotQueries(db);
    prepared.set(db, queries);
  }
  return queries;
}

function prepareHotQueries(db: Db) {
  const p = sql.placeholder;
  return {
    itemForCity: db
      .select({ item: items })
      .from(items)
      .innerJoin(roundCities, and(eq(roundCities.roundId, items.roundId), eq(roundCities.cityId, p("cityId"))))
      .where(eq(items.id, p("itemId")))
      .prepare(),
    /** Everything a save needs to decide, in one indexed lookup. */
    saveContext: db
      .select({
        itemCode: items.code,
        roundStatus: rounds.status,
        submissionId: submissions.id,
        submissionStatus: submissions.status,
        submissionVersion: submissions.version,
        roundId: submissions.roundId,
        answerValue: answers.value,
        answerReason: answers.notApplicableReason,
        answerRevision: answers.revision,
        answerUpdatedAt: answers.updatedAt,
        answerUpdatedBy: users.name,
      })
      .from(items)
      .innerJoin(indicators, eq(indicators.id, items.indicatorId))
      .innerJoin(rounds, eq(rounds.id, items.roundId))
      .innerJoin(submissions, and(eq(submissions.roundId, items.roundId), eq(submissions.cityId, p("cityId")), eq(submissions.moduleId, indicators.moduleId)))
      .leftJoin(answers, and(eq(answers.submissionId, submissions.id), eq(answers.itemId, items.id)))
      .leftJoin(users, eq(users.id, answers.updatedBy))
      .where(eq(items.id, p("itemId")))
      .prepare(),
    touchSubmission: db.update(submissions).set({ updatedAt: sql`${p("now")}` }).where(eq(submissions.id, p("submissionId"))).prepare(),
  };
}

export type SaveAnswerResult =
  | { ok: true; revision: number; updatedAt: Date }
  | { ok: false; reason: EditRefusal }
  | { ok: false; reason: "staleRevision"; current: Omit<StoredAnswer, "itemId"> };

/**
 * Saves one answer if it is based on the latest revision (0 for the first save). A save from an older
 * revision is refused with the newer value and who saved it, so that two people never overwrite each other.
 */
export function saveAnswer(
  db: Db,
  user: SessionUser,
  input: { itemId: number; baseRevision: number; value: unknown; notApplicableReason: string | null },
  now = new Date(),
): SaveAnswerResult {
  const queries = hotQueries(db);
  return db.transaction(
    (tx): SaveAnswerResult => {
      const cityId = actingCityOf(user);
      if (cityId === null) return { ok: false, reason: "roleNotAllowed" };
      let ctx = queries.saveContext.get({ itemId: input.itemId, cityId });
      if (!ctx) {
        // Nothing saved in this module yet: only a save based on no revision can be the first, and a refused one
        // must not leave the draft it would have created.
        if (input.baseRevision !== 0) return { ok: false, reason: "notFound" };
        // First edit of this module (or an item outside the city's rounds): the full check creates the draft.
        const open = openForEdit(tx, user, input.itemId, now);
        if (!open.ok) return open;
        ctx = queries.saveContext.get({ itemId: input.itemId, cityId });
        if (!ctx) return { ok: false, reason: "notFound" };
      }
      const decision = decide("edit", { role: user.role, state: ctx.submissionStatus, roundStatus: ctx.roundStatus });
      if (!decision.ok) return decision;
      if (ctx.submissionStatus === "returned" && !reopenedItemIds(tx, ctx.submissionId, ctx.submissionVersion).has(input.itemId)) {
        return { ok: false, reason: "itemLocked" };
      }

      const existing = ctx.answerRevision === null ? null : { value: ctx.answerValue, notApplicableReason: ctx.answerReason, revision: ctx.answerRevision };
      const currentRevision = existing?.revision ?? 0;
      if (input.baseRevision !== currentRevision) {
        if (!existing) return { ok: false, reason: "notFound" };
        return { ok: false, reason: "staleRevision", current: { ...existing, updatedAt: ctx.answerUpdatedAt!, updatedByName: ctx.answerUpdatedBy } };
      }
      const unchanged =
        existing && JSON.stringify(existing.value) === JSON.stringify(input.value) && existing.notApplicableReason === input.notApplicableReason;
      if (unchanged) return { ok: true, revision: existing.revision, updatedAt: ctx.answerUpdatedAt! };

      const revision = currentRevision + 1;
      const values = { value: input.value, notApplicableReason: input.notApplicableReason, revision, updatedBy: user.id, updatedAt: now };
      tx.insert(answers)
        .values({ submissionId: ctx.submissionId, itemId: input.itemId, ...values })
        .onConflictDoUpdate({ target: [answers.submissionId, answers.itemId], set: values })
        .run();
      queries.touchSubmission.run({ submissionId: ctx.submissionId, now: now.getTime() });
      appendAudit(db, {
        actorId: user.id,
        action: "answer.saved",
        entityType: "answer",
        entityId: `${ctx.submissionId}:${ctx.itemCode}`,
        roundId: ctx.roundId,
        cityId,
        before: existing,
        after: { value: input.value, notApplicableReason: input.notApplicableReason, revision },
      });
      return { ok: true, revision, updatedAt: now };
    },
    { behavior: "immediate" },
  );
}

export type EvidenceInput =
  | { kind: "file"; sha256: string; size: number; mime: string; originalName: string; storageKey: string }
  | { kind: "url"; url: string };

/** Whether the city staff member may add evidence to the item now (checked again when the row is written). */
export function canEditItem(db: Db, user: SessionUser, itemId: number): { ok: true } | { ok: false; reason: EditRefusal } {
  const check = checkEditable(db, user, itemId);
  return check.ok ? { ok: true } : check;
}

export function addEvidence(db: Db, user: SessionUser, itemId: number, input: EvidenceInput, now = new Date()) {
  return db.transaction(
    (tx): { ok: true; id: number } | { ok: false; reason: EditRefusal } => {
      const open = openForEdit(tx, user, itemId, now);
      if (!open.ok) return open;
      const { id } = tx
        .insert(evidence)
        .values({ submissionId: open.submission.id, itemId, uploadedBy: user.id, uploadedAt: now, ...input })
        .returning({ id: evidence.id })
        .get();
      appendAudit(tx, {
        actorId: user.id,
        action: "evidence.added",
        entityType: "evidence",
        entityId: id,
        roundId: open.submission.roundId,
        cityId: open.submission.cityId,
        after: { itemCode: open.item.code, ...input },
      });
      return { ok: true, id };
    },
    { behavior: "immediate" },
  );
}

export function deleteEvidence(db: Db, user: SessionUser, evidenceId: number, now = new Date()) {
  return db.transaction(
    (tx): { ok: true } | { ok: false; reason: EditRefusal } => {
      const found = tx
        .select({ evidence, cityId: submissions.cityId })
        .from(evidence)
        .innerJoin(submissions, eq(submissions.id, evidence.submissionId))
        .where(and(eq(evidence.id, evidenceId), isNull(evidence.deletedAt)))
        .get();
      // Another city's file: refused before anything is opened for editing (which would create a draft).
      if (!found || !mayActForCity(user, found.cityId)) return { ok: false, reason: "notFound" };
      const row = found.evidence;
      const open = openForEdit(tx, user, row.itemId, now);
      if (!open.ok) return open;
      if (open.submission.id !== row.submissionId) return { ok: false, reason: "notFound" };
      tx.update(evidence).set({ deletedAt: now, deletedBy: user.id }).where(eq(evidence.id, evidenceId)).run();
      appendAudit(tx, {
        actorId: user.id,
        action: "evidence.deleted",
        entityType: "evidence",
        entityId: evidenceId,
        roundId: open.submission.roundId,
        cityId: open.submission.cityId,
        before: { itemCode: open.item.code, kind: row.kind, url: row.url, sha256: row.sha256, originalName: row.originalName },
      });
      return { ok: true };
    },
    { behavior: "immediate" },
  );
}

/** Whether any live evidence row still points at a stored file (before removing an orphaned upload). */
export function isStorageKeyReferenced(db: Db, storageKey: string): boolean {
  return !!db.select({ id: evidence.id }).from(evidence).where(eq(evidence.storageKey, storageKey)).get();
}

/** Every storage key an evidence row refers to (deleted rows too: the audit trail keeps their files). */
export function referencedStorageKeys(db: Db): Set<string> {
  return new Set(db.selectDistinct({ key: evidence.storageKey }).from(evidence).all().flatMap((r) => (r.key ? [r.key] : [])));
}

/**
 * An evidence file the user may download: city staff of the submission's city, admins, and reviewers
 * assigned to the module. Anyone else gets null (and a 404), whether or not the id exists.
 */
/** An evidence file if lib/auth/policy.ts lets this user download it, else null (the caller answers 404). */
export function getEvidenceForDownload(db: Db, user: SessionUser, evidenceId: number) {
  const row = db
    .select({ evidence, cityId: submissions.cityId, moduleId: submissions.moduleId, version: submissions.version })
    .from(evidence)
    .innerJoin(submissions, eq(submissions.id, evidence.submissionId))
    .where(and(eq(evidence.id, evidenceId), eq(evidence.kind, "file")))
    .get();
  if (!row) return null;
  const lastSubmitted = db
    .select({ at: submissionVersions.createdAt })
    .from(submissionVersions)
    .where(and(eq(submissionVersions.submissionId, row.evidence.submissionId), eq(submissionVersions.version, row.version)))
    .get();
  const deleted = row.evidence.deletedAt !== null;
  const submitted = isInSubmittedVersion(row.evidence, lastSubmitted?.at ?? null);
  const facts = { cityId: row.cityId, moduleId: row.moduleId, version: row.version, deleted, submitted };
  return mayDownloadEvidence(user, facts, reviewerAssignments(db, user)) ? row.evidence : null;
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
export function submitModule(db: Db, user: SessionUser, roundId: number, moduleCode: string, now = new Date()): SubmitResult {
  return db.transaction(
    (tx): SubmitResult => {
      const cityId = actingCityOf(user);
      if (cityId === null) return { ok: false, reason: "roleNotAllowed" };
      const round = tx.select().from(rounds).where(eq(rounds.id, roundId)).get();
      const mod = tx.select().from(modules).where(and(eq(modules.roundId, roundId), eq(modules.code, moduleCode))).get();
      const city = tx.select().from(cities).where(eq(cities.id, cityId)).get();
      const participates = tx.select().from(roundCities).where(and(eq(roundCities.roundId, roundId), eq(roundCities.cityId, cityId))).get();
      if (!round || !mod || !city || !participates) return { ok: false, reason: "notFound" };
      const submission = getSubmission(tx, roundId, cityId, mod.id);
      const pastDeadline = isPastDeadline(round.submissionDeadline, now);
      const decision = decide("submit", { role: user.role, state: submission?.status ?? "draft", roundStatus: round.status, pastDeadline });
      if (!decision.ok) {
        return decision.reason === "pastDeadline" ? { ok: false, reason: "pastDeadline", deadline: round.submissionDeadline! } : decision;
      }
      const [shape] = loadFrameworkShape(tx, roundId, [mod.id]);
      const moduleItems = shape?.indicators.flatMap((i) => i.items) ?? [];
      const answerRows = submission ? listAnswers(tx, submission.id) : [];
      const evidenceRows = submission ? listEvidence(tx, submission.id) : [];
      const missing = findMissing(moduleItems, answerRows, evidenceRows);
      if (!submission || missing.length) return { ok: false, reason: "incomplete", missing };

      const codeOf = new Map(moduleItems.map((i) => [i.id, i.code]));
      const snapshot: VersionSnapshot = {
        answers: answerRows.map((a) => ({ itemCode: codeOf.get(a.itemId)!, value: a.value, notApplicableReason: a.notApplicableReason })),
        evidence: evidenceRows.map((e) => ({ itemCode: codeOf.get(e.itemId)!, kind: e.kind, sha256: e.sha256, url: e.url, originalName: e.originalName })),
      };
      const version = submission.version + 1;
      const [firstStage] = tx.select().from(reviewStages).where(eq(reviewStages.roundId, roundId)).orderBy(asc(reviewStages.position)).all();
      tx.update(submissions)
        .set({ status: decision.to, version, stageId: firstStage?.id ?? null, submittedAt: now, updatedAt: now })
        .where(eq(submissions.id, submission.id))
        .run();
      tx.insert(submissionVersions).values({ submissionId: submission.id, version, snapshot, submittedBy: user.id, createdAt: now }).run();
      if (submission.version > 0) {
        // Decisions on the items the city left unchanged stay in force in the new version.
        const changed = changedSinceLastVersion(tx, submission.id, version, moduleItems.map((i) => i.code));
        carryDecisions(tx, submission.id, submission.version, version, new Set(moduleItems.filter((i) => changed.has(i.code)).map((i) => i.id)));
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
        const params = { cityZh: city.nameZh, cityEn: city.nameEn, moduleZh: mod.nameZh, moduleEn: mod.nameEn, version };
        notifyStageReviewers(tx, submission.id, mod.id, firstStage.id, params, now);
      }
      return { ok: true, version };
    },
    { behavior: "immediate" },
  );
}
