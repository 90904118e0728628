/**
 * Reviewer calibration (审核一致性校准): an admin has a sample of submitted versions reviewed blind a second time at
 * the same stage; the second reviewer decides every item as a review would, and the agreement of the two is read
 * per reviewer pair (lib/review/calibration.ts). Nothing here writes to submissions, item_reviews or scores.
 */
import "server-only";
import { randomInt } from "node:crypto";
import { and, asc, eq, inArray, isNotNull, isNull, ne } from "drizzle-orm";
import { isInSubmittedVersion, mayCalibrate, mayManageCalibration, maySeeCalibration } from "@/lib/auth/policy";
import type { SessionUser } from "@/lib/domain";
import { type Comparison, calibrationAgreement, drawSample, pairSecondReviewers } from "@/lib/review/calibration";
import { decideRound, type RoundRefusal } from "@/lib/workflow/round-lifecycle";
import { appendAudit } from "./audit";
import type { Db, Tx } from "./client";
import { loadFrameworkShape } from "./framework";
import { notify } from "./notifications";
import {
  appeals,
  calibrationItems,
  calibrations,
  cities,
  evidence,
  itemReviews,
  modules,
  reviewAssignments,
  reviewStages,
  reviews,
  rounds,
  submissions,
  submissionVersions,
  users,
} from "./schema";

export type CalibrationRefusal =
  | RoundRefusal
  | "notFound"
  | "chooseReviewers"
  | "noCalibrationCandidates"
  | "noSecondReviewer"
  | "calibrationCompleted"
  | "decideAllFirst";
type Refused = { ok: false; reason: CalibrationRefusal; itemCodes?: string[] };

/**
 * Draws `share` of the versions reviewed at a stage that have no calibration there yet (those at the stage now and
 * those the stage has decided) and gives each to a reviewer of the pool who reviews its module at no stage, the
 * least loaded first. Versions no one of the pool can review blind are left out and counted.
 */
export function drawCalibration(
  db: Db,
  user: SessionUser,
  input: { roundId: number; stageId: number; share: number; reviewerIds: number[] },
  now = new Date(),
  seed = randomInt(2 ** 31),
): { ok: true; drawn: number; unpaired: number; candidates: number } | Refused {
  return db.transaction(
    (tx) => {
      if (!mayManageCalibration(user)) return { ok: false as const, reason: "roleNotAllowed" as const };
      const round = tx.select().from(rounds).where(eq(rounds.id, input.roundId)).get();
      const stage = tx
        .select()
        .from(reviewStages)
        .where(and(eq(reviewStages.id, input.stageId), eq(reviewStages.roundId, input.roundId)))
        .get();
      if (!round || !stage) return { ok: false as const, reason: "notFound" as const };
      const decision = decideRound("draw_calibration", { status: round.status, role: user.role });
      if (!decision.ok) return decision;
      const pool = [...new Set(input.reviewerIds)];
      if (!pool.length) return { ok: false as const, reason: "chooseReviewers" as const };
      const active = tx
        .select({ id: users.id })
        .from(users)
        .where(and(inArray(users.id, pool), eq(users.role, "reviewer"), eq(users.active, true)))
        .all();
      if (active.length !== pool.length) return { ok: false as const, reason: "notFound" as const };

      // A submission is calibrated once per stage: a later version of it would compare the same judgement again.
      const calibrated = new Set(
        tx
          .select({ submissionId: calibrations.submissionId })
          .from(calibrations)
          .where(eq(calibrations.stageId, stage.id))
          .all()
          .map((c) => c.submissionId),
      );
      // Versions the stage approved: only an approval records a decision on every item (returning records only the
      // queried and adjusted ones), so only they can be compared item by item.
      const approvedHere = new Set(
        tx
          .select({ submissionId: reviews.submissionId, version: reviews.version })
          .from(reviews)
          .where(and(eq(reviews.stageId, stage.id), eq(reviews.decision, "approved")))
          .all()
          .map((r) => `${r.submissionId}:${r.version}`),
      );
      const candidates = tx
        .select({
          id: submissions.id,
          version: submissions.version,
          moduleId: submissions.moduleId,
          stageId: submissions.stageId,
          status: submissions.status,
        })
        .from(submissions)
        .where(and(eq(submissions.roundId, round.id), ne(submissions.version, 0)))
        .orderBy(asc(submissions.id))
        .all()
        .filter(
          (s) =>
            !calibrated.has(s.id) &&
            (approvedHere.has(`${s.id}:${s.version}`) ||
              (s.stageId === stage.id && (s.status === "submitted" || s.status === "in_review"))),
        );
      if (!candidates.length) return { ok: false as const, reason: "noCalibrationCandidates" as const };

      const { paired, unpaired } = pairSecondReviewers(
        drawSample(candidates, input.share, seed),
        pool,
        (s) => mayHaveSeenReview(tx, s),
        pendingLoad(tx, round.id),
      );
      if (!paired.length) return { ok: false as const, reason: "noSecondReviewer" as const };

      tx.insert(calibrations)
        .values(
          paired.map((p) => ({
            roundId: round.id,
            submissionId: p.id,
            version: p.version,
            stageId: stage.id,
            reviewerId: p.reviewerId,
            drawnBy: user.id,
            createdAt: now,
          })),
        )
        .run();
      for (const reviewerId of new Set(paired.map((p) => p.reviewerId)))
        notify(
          tx,
          [reviewerId],
          "calibrationAssigned",
          { count: paired.filter((p) => p.reviewerId === reviewerId).length },
          "/review#calibration",
          now,
        );
      appendAudit(tx, {
        actorId: user.id,
        action: "calibration.drawn",
        entityType: "round",
        entityId: round.id,
        roundId: round.id,
        after: {
          stage: stage.position,
          share: input.share,
          seed,
          candidates: candidates.length,
          drawn: paired.length,
          unpaired: unpaired.length,
          reviewers: pool,
        },
      });
      return { ok: true as const, drawn: paired.length, unpaired: unpaired.length, candidates: candidates.length };
    },
    { behavior: "immediate" },
  );
}

/**
 * Who may have seen a submission's first review, and so cannot review it blind: its module's reviewers at any stage,
 * anyone who decided on any version of it, and anyone an appeal on it was handed to.
 */
function mayHaveSeenReview(tx: Tx, sub: { id: number; moduleId: number }): Set<number> {
  const ids = [
    ...tx
      .select({ id: reviewAssignments.reviewerId })
      .from(reviewAssignments)
      .where(eq(reviewAssignments.moduleId, sub.moduleId))
      .all(),
    ...tx.select({ id: reviews.reviewerId }).from(reviews).where(eq(reviews.submissionId, sub.id)).all(),
    ...tx.select({ id: itemReviews.reviewerId }).from(itemReviews).where(eq(itemReviews.submissionId, sub.id)).all(),
    ...tx
      .select({ id: appeals.assignedTo })
      .from(appeals)
      .where(and(eq(appeals.submissionId, sub.id), isNotNull(appeals.assignedTo)))
      .all(),
  ];
  return new Set(ids.map((r) => r.id!));
}

/** Open calibrations per reviewer in the round: new ones go to the least loaded first. */
function pendingLoad(tx: Tx, roundId: number): Map<number, number> {
  const load = new Map<number, number>();
  for (const c of tx
    .select({ reviewerId: calibrations.reviewerId })
    .from(calibrations)
    .where(and(eq(calibrations.roundId, roundId), isNull(calibrations.completedAt)))
    .all())
    load.set(c.reviewerId, (load.get(c.reviewerId) ?? 0) + 1);
  return load;
}

/** The calibration and its submission, round and module items, if this reviewer may decide it now. */
function openCalibration(
  tx: Tx,
  user: SessionUser,
  calibrationId: number,
): Refused | NonNullable<ReturnType<typeof loadOpen>> {
  const loaded = loadOpen(tx, calibrationId);
  if (!loaded || !mayCalibrate(user, loaded.calibration)) return { ok: false, reason: "notFound" };
  const decision = decideRound("calibrate", { status: loaded.roundStatus, role: user.role });
  if (!decision.ok) return decision;
  if (loaded.calibration.completedAt) return { ok: false, reason: "calibrationCompleted" };
  return loaded;
}

function loadOpen(tx: Db | Tx, calibrationId: number) {
  const row = tx
    .select({ calibration: calibrations, sub: submissions, roundStatus: rounds.status })
    .from(calibrations)
    .innerJoin(submissions, eq(submissions.id, calibrations.submissionId))
    .innerJoin(rounds, eq(rounds.id, calibrations.roundId))
    .where(eq(calibrations.id, calibrationId))
    .get();
  if (!row) return null;
  const items = loadFrameworkShape(tx, row.sub.roundId, [row.sub.moduleId])[0]?.indicators.flatMap((i) => i.items);
  return { ...row, items: items ?? [] };
}

export type CalibrationDecision =
  | { action: "accept"; comment?: string | null }
  | { action: "adjust"; adjustedValue: unknown; comment: string }
  | { action: "query"; comment: string };

/** The second reviewer's decision on one item (replacing their earlier one), until they complete the calibration. */
export function decideCalibrationItem(
  db: Db,
  user: SessionUser,
  input: { calibrationId: number; itemId: number } & CalibrationDecision,
  now = new Date(),
): { ok: true } | Refused {
  return db.transaction(
    (tx): { ok: true } | Refused => {
      const open = openCalibration(tx, user, input.calibrationId);
      if ("ok" in open) return open;
      const item = open.items.find((i) => i.id === input.itemId);
      if (!item) return { ok: false, reason: "notFound" };
      const values = {
        action: input.action,
        adjustedValue: input.action === "adjust" ? input.adjustedValue : null,
        comment: input.comment?.trim() || null,
        decidedAt: now,
      };
      tx.insert(calibrationItems)
        .values({ calibrationId: open.calibration.id, itemId: item.id, ...values })
        .onConflictDoUpdate({ target: [calibrationItems.calibrationId, calibrationItems.itemId], set: values })
        .run();
      return { ok: true };
    },
    { behavior: "immediate" },
  );
}

export function withdrawCalibrationItem(
  db: Db,
  user: SessionUser,
  input: { calibrationId: number; itemId: number },
): { ok: true } | Refused {
  return db.transaction(
    (tx): { ok: true } | Refused => {
      const open = openCalibration(tx, user, input.calibrationId);
      if ("ok" in open) return open;
      const removed = tx
        .delete(calibrationItems)
        .where(and(eq(calibrationItems.calibrationId, open.calibration.id), eq(calibrationItems.itemId, input.itemId)))
        .returning()
        .get();
      return removed ? { ok: true } : { ok: false, reason: "notFound" };
    },
    { behavior: "immediate" },
  );
}

/** Completes a calibration once every item of the module has a decision; it can no longer change then. */
export function completeCalibration(
  db: Db,
  user: SessionUser,
  calibrationId: number,
  now = new Date(),
): { ok: true } | Refused {
  return db.transaction(
    (tx): { ok: true } | Refused => {
      const open = openCalibration(tx, user, calibrationId);
      if ("ok" in open) return open;
      const decided = tx.select().from(calibrationItems).where(eq(calibrationItems.calibrationId, calibrationId)).all();
      const missing = open.items.filter((i) => !decided.some((d) => d.itemId === i.id)).map((i) => i.code);
      if (missing.length) return { ok: false, reason: "decideAllFirst", itemCodes: missing };
      tx.update(calibrations).set({ completedAt: now }).where(eq(calibrations.id, calibrationId)).run();
      const codeOf = new Map(open.items.map((i) => [i.id, i.code]));
      appendAudit(tx, {
        actorId: user.id,
        action: "calibration.completed",
        entityType: "calibration",
        entityId: calibrationId,
        roundId: open.calibration.roundId,
        cityId: open.sub.cityId,
        after: {
          submissionId: open.sub.id,
          version: open.calibration.version,
          decisions: decided.map((d) => ({
            itemCode: codeOf.get(d.itemId),
            action: d.action,
            adjustedValue: d.adjustedValue,
            comment: d.comment,
          })),
        },
      });
      return { ok: true };
    },
    { behavior: "immediate" },
  );
}

/**
 * What the calibration page shows, or null unless the policy lets this user see it: the version as the city
 * submitted it (answers and files) and the second reviewer's decisions; for an admin also the first review's
 * decisions, side by side. The second reviewer never gets the first review.
 */
export function getCalibrationScreen(db: Db, user: SessionUser, calibrationId: number) {
  const loaded = loadOpen(db, calibrationId);
  if (!loaded || !maySeeCalibration(user, loaded.calibration)) return null;
  const { calibration, sub } = loaded;
  const version = db
    .select()
    .from(submissionVersions)
    .where(and(eq(submissionVersions.submissionId, sub.id), eq(submissionVersions.version, calibration.version)))
    .get();
  if (!version) return null;
  const city = db.select().from(cities).where(eq(cities.id, sub.cityId)).get()!;
  const mod = db.select().from(modules).where(eq(modules.id, sub.moduleId)).get()!;
  const stage = db.select().from(reviewStages).where(eq(reviewStages.id, calibration.stageId)).get()!;
  const files = db
    .select()
    .from(evidence)
    .where(eq(evidence.submissionId, sub.id))
    .all()
    .filter((e) => isInSubmittedVersion(e, version.createdAt));
  const decisions = db.select().from(calibrationItems).where(eq(calibrationItems.calibrationId, calibration.id)).all();
  const firstReview = mayManageCalibration(user) ? firstDecisions(db, calibration) : [];
  return {
    calibration,
    roundStatus: loaded.roundStatus,
    city,
    module: mod,
    stage,
    items: loaded.items,
    snapshot: version.snapshot,
    files,
    decisions,
    firstReview,
    secondReviewer: db.select({ name: users.name }).from(users).where(eq(users.id, calibration.reviewerId)).get()!,
  };
}

/** The counting review's decisions on the calibrated version at its stage, with who made them. */
function firstDecisions(db: Db, calibration: typeof calibrations.$inferSelect) {
  return db
    .select({
      itemId: itemReviews.itemId,
      reviewerId: itemReviews.reviewerId,
      reviewerName: users.name,
      action: itemReviews.action,
      adjustedValue: itemReviews.adjustedValue,
      comment: itemReviews.comment,
    })
    .from(itemReviews)
    .innerJoin(users, eq(users.id, itemReviews.reviewerId))
    .where(
      and(
        eq(itemReviews.submissionId, calibration.submissionId),
        eq(itemReviews.version, calibration.version),
        eq(itemReviews.stageId, calibration.stageId),
      ),
    )
    .all();
}

/** A reviewer's calibrations in rounds still open, open ones first (the queue page lists them). */
export function listMyCalibrations(db: Db, reviewerId: number) {
  return db
    .select({
      id: calibrations.id,
      version: calibrations.version,
      completedAt: calibrations.completedAt,
      createdAt: calibrations.createdAt,
      cityNameZh: cities.nameZh,
      cityNameEn: cities.nameEn,
      moduleCode: modules.code,
      moduleNameZh: modules.nameZh,
      moduleNameEn: modules.nameEn,
      stagePosition: reviewStages.position,
      stageNameZh: reviewStages.nameZh,
      stageNameEn: reviewStages.nameEn,
    })
    .from(calibrations)
    .innerJoin(submissions, eq(submissions.id, calibrations.submissionId))
    .innerJoin(cities, eq(cities.id, submissions.cityId))
    .innerJoin(modules, eq(modules.id, submissions.moduleId))
    .innerJoin(reviewStages, eq(reviewStages.id, calibrations.stageId))
    .innerJoin(rounds, eq(rounds.id, calibrations.roundId))
    .where(and(eq(calibrations.reviewerId, reviewerId), eq(rounds.status, "open")))
    .orderBy(asc(calibrations.completedAt), asc(calibrations.id))
    .all();
}

/**
 * A round's calibrations and the agreement of every reviewer pair over the completed ones: each item both the first
 * review (its decision in force at that version and stage) and the second decided is one comparison.
 */
export function roundCalibration(db: Db, roundId: number) {
  const rows = db
    .select({
      calibration: calibrations,
      cityNameZh: cities.nameZh,
      cityNameEn: cities.nameEn,
      moduleId: submissions.moduleId,
      moduleCode: modules.code,
      stagePosition: reviewStages.position,
      secondName: users.name,
    })
    .from(calibrations)
    .innerJoin(submissions, eq(submissions.id, calibrations.submissionId))
    .innerJoin(cities, eq(cities.id, submissions.cityId))
    .innerJoin(modules, eq(modules.id, submissions.moduleId))
    .innerJoin(reviewStages, eq(reviewStages.id, calibrations.stageId))
    .innerJoin(users, eq(users.id, calibrations.reviewerId))
    .where(eq(calibrations.roundId, roundId))
    .orderBy(asc(calibrations.id))
    .all();
  const itemsById = new Map(
    loadFrameworkShape(db, roundId)
      .flatMap((m) => m.indicators.flatMap((i) => i.items))
      .map((i) => [i.id, i]),
  );
  const names = new Map<number, string>();
  const comparisons: Comparison[] = [];
  /** per calibration: whether the stage approved the version (then every item has a first decision) */
  const firstApproved = new Map<number, boolean>();
  const completedIds = rows.filter((r) => r.calibration.completedAt).map((r) => r.calibration.id);
  const seconds = completedIds.length
    ? db.select().from(calibrationItems).where(inArray(calibrationItems.calibrationId, completedIds)).all()
    : [];
  for (const row of rows) {
    const c = row.calibration;
    names.set(c.reviewerId, row.secondName);
    const approved = !!db
      .select({ id: reviews.id })
      .from(reviews)
      .where(
        and(
          eq(reviews.submissionId, c.submissionId),
          eq(reviews.version, c.version),
          eq(reviews.stageId, c.stageId),
          eq(reviews.decision, "approved"),
        ),
      )
      .get();
    firstApproved.set(c.id, approved);
    if (!c.completedAt || !approved) continue;
    const first = firstDecisions(db, c);
    for (const f of first) names.set(f.reviewerId, f.reviewerName);
    const snapshot = db
      .select({ snapshot: submissionVersions.snapshot })
      .from(submissionVersions)
      .where(and(eq(submissionVersions.submissionId, c.submissionId), eq(submissionVersions.version, c.version)))
      .get()?.snapshot;
    for (const s of seconds.filter((x) => x.calibrationId === c.id)) {
      const f = first.find((x) => x.itemId === s.itemId);
      const item = itemsById.get(s.itemId);
      if (!f || !item) continue;
      comparisons.push({
        calibrationId: c.id,
        stagePosition: row.stagePosition,
        firstReviewerId: f.reviewerId,
        secondReviewerId: c.reviewerId,
        item: { ...item, code: item.code },
        answer: snapshot?.answers.find((a) => a.itemCode === item.code),
        first: { action: f.action, adjustedValue: f.adjustedValue },
        second: { action: s.action, adjustedValue: s.adjustedValue },
      });
    }
  }
  const agreement = calibrationAgreement(comparisons);
  const nameOf = (id: number) => names.get(id) ?? String(id);
  const itemOf = (code: string) => [...itemsById.values()].find((i) => i.code === code)!;
  return {
    calibrations: rows.map((r) => ({ ...r, firstApproved: firstApproved.get(r.calibration.id) ?? false })),
    pairs: agreement.pairs.map((p) => ({
      ...p,
      firstName: nameOf(p.firstReviewerId),
      secondName: nameOf(p.secondReviewerId),
    })),
    items: agreement.items.map((i) => ({ ...i, item: itemOf(i.itemCode) })),
    compared: comparisons.length,
  };
}

/**
 * An admin withdraws an open calibration (its reviewer left, or it was drawn by mistake): it and its decisions go, and
 * the audit keeps what was withdrawn. A completed one stays: it is part of the agreement.
 */
export function cancelCalibration(
  db: Db,
  user: SessionUser,
  calibrationId: number,
  reason: string,
): { ok: true } | Refused {
  return db.transaction(
    (tx): { ok: true } | Refused => {
      if (!mayManageCalibration(user)) return { ok: false, reason: "roleNotAllowed" };
      const loaded = loadOpen(tx, calibrationId);
      if (!loaded) return { ok: false, reason: "notFound" };
      const decision = decideRound("draw_calibration", { status: loaded.roundStatus, role: user.role });
      if (!decision.ok) return decision;
      if (loaded.calibration.completedAt) return { ok: false, reason: "calibrationCompleted" };
      const decided = tx
        .select()
        .from(calibrationItems)
        .where(eq(calibrationItems.calibrationId, calibrationId))
        .all().length;
      tx.delete(calibrations).where(eq(calibrations.id, calibrationId)).run();
      appendAudit(tx, {
        actorId: user.id,
        action: "calibration.cancelled",
        entityType: "calibration",
        entityId: calibrationId,
        roundId: loaded.calibration.roundId,
        cityId: loaded.sub.cityId,
        before: {
          submissionId: loaded.sub.id,
          version: loaded.calibration.version,
          reviewerId: loaded.calibration.reviewerId,
          decided,
        },
        after: { reason },
      });
      return { ok: true };
    },
    { behavior: "immediate" },
  );
}

/** An uncompleted calibration of this reviewer on the module: assigning them to review it would unblind them. */
export function isCalibratingModule(tx: Db | Tx, reviewerId: number, moduleId: number): boolean {
  return !!tx
    .select({ id: calibrations.id })
    .from(calibrations)
    .innerJoin(submissions, eq(submissions.id, calibrations.submissionId))
    .where(
      and(
        eq(calibrations.reviewerId, reviewerId),
        eq(submissions.moduleId, moduleId),
        isNull(calibrations.completedAt),
      ),
    )
    .get();
}
