/**
 * Plausibility flags of submitted versions (lib/review/plausibility.ts holds the arithmetic): the round's submitted
 * numeric values, indexed once per state of the round's submissions, peers by tier and region, last round's
 * verified values, and the flags reviewers dismissed with a reason.
 */
import "server-only";
import { and, count, eq, inArray, isNull, max } from "drizzle-orm";
import { maySeeFlags } from "@/lib/auth/policy";
import type { SessionUser } from "@/lib/domain";
import {
  DEFAULT_PLAUSIBILITY,
  flagValues,
  type PlausibilityFlag,
  type PlausibilitySettings,
} from "@/lib/review/plausibility";
import { reviewerAssignments } from "./assignments";
import { appendAudit } from "./audit";
import type { Db } from "./client";
import { askedTheSameWay, previousRoundValues } from "./prefill";
import { answers, cities, items, plausibilityDismissals, roundCities, rounds, submissions, users } from "./schema";

/** A version is with the reviewers (its values are what was submitted) in these states. */
const SUBMITTED = ["submitted", "in_review", "verified"] as const;

export function plausibilitySettings(db: Db, roundId: number): PlausibilitySettings {
  const row = db.select({ p: rounds.plausibility }).from(rounds).where(eq(rounds.id, roundId)).get();
  return { ...DEFAULT_PLAUSIBILITY, ...(row?.p ?? {}) };
}

type RoundValues = {
  /** tier and region of each participating city */
  groupOf: Map<number, string>;
  /** per item code, each submitted city's value */
  byItem: Map<string, Map<number, number>>;
};

// The index of a round's submitted values, rebuilt when its submissions change (any submission, return or
// verification updates a submission row): a queue page and a review screen then cost a map lookup.
const indexCache = new WeakMap<Db, Map<number, { key: string; values: RoundValues }>>();

function roundValues(db: Db, roundId: number): RoundValues {
  const state = db
    .select({ n: count(), at: max(submissions.updatedAt) })
    .from(submissions)
    .where(eq(submissions.roundId, roundId))
    .get();
  const key = `${state?.n ?? 0}:${state?.at?.getTime() ?? 0}`;
  let perDb = indexCache.get(db);
  if (!perDb) indexCache.set(db, (perDb = new Map()));
  const cached = perDb.get(roundId);
  if (cached?.key === key) return cached.values;
  const groupOf = new Map(
    db
      .select({ id: cities.id, tier: cities.tier, region: cities.region })
      .from(roundCities)
      .innerJoin(cities, eq(cities.id, roundCities.cityId))
      .where(eq(roundCities.roundId, roundId))
      .all()
      .map((c) => [c.id, `${c.tier}/${c.region}`]),
  );
  const rows = db
    .select({ cityId: submissions.cityId, code: items.code, value: answers.value })
    .from(answers)
    .innerJoin(submissions, eq(submissions.id, answers.submissionId))
    .innerJoin(items, eq(items.id, answers.itemId))
    .where(
      and(
        eq(submissions.roundId, roundId),
        inArray(submissions.status, [...SUBMITTED]),
        eq(items.answerType, "number"),
        isNull(answers.notApplicableReason),
      ),
    )
    .all();
  const byItem = new Map<string, Map<number, number>>();
  for (const r of rows) {
    if (typeof r.value !== "number" || !Number.isFinite(r.value)) continue;
    let m = byItem.get(r.code);
    if (!m) byItem.set(r.code, (m = new Map()));
    m.set(r.cityId, r.value);
  }
  const values = { groupOf, byItem };
  perDb.set(roundId, { key, values });
  return values;
}

/** The peers' values of an item for a city: the other submitted cities of its tier and region. */
function peersIn(index: RoundValues, code: string, cityId: number): number[] {
  const group = index.groupOf.get(cityId);
  const out: number[] = [];
  for (const [other, value] of index.byItem.get(code) ?? [])
    if (other !== cityId && index.groupOf.get(other) === group) out.push(value);
  return out;
}

export type Dismissal = { itemCode: string; kind: "peer" | "previous"; reason: string; by: string; at: Date };

/**
 * The flags of a submission's current version (none while the city revises a returned module), with the
 * dismissals of this version.
 */
export function submissionFlags(
  db: Db,
  submissionId: number,
): { flags: PlausibilityFlag[]; dismissed: Dismissal[]; peerGroup: string | null } {
  const sub = db.select().from(submissions).where(eq(submissions.id, submissionId)).get();
  if (!sub || !(SUBMITTED as readonly string[]).includes(sub.status))
    return { flags: [], dismissed: [], peerGroup: null };
  const index = roundValues(db, sub.roundId);
  const moduleItems = db
    .select({ code: items.code, answerType: items.answerType, unitZh: items.unitZh })
    .from(items)
    .innerJoin(answers, and(eq(answers.itemId, items.id), eq(answers.submissionId, sub.id)))
    .all();
  const own = new Map<string, number>();
  for (const item of moduleItems) {
    const value = index.byItem.get(item.code)?.get(sub.cityId);
    if (value !== undefined) own.set(item.code, value);
  }
  const last = previousRoundValues(db, sub.roundId, sub.cityId);
  const itemOf = new Map(moduleItems.map((i) => [i.code, i]));
  const flags = flagValues(
    own,
    (code) => peersIn(index, code, sub.cityId),
    (code) => {
      const previous = last?.values.get(code);
      const item = itemOf.get(code);
      return previous && item && askedTheSameWay(item, previous.item) && typeof previous.value === "number"
        ? previous.value
        : undefined;
    },
    plausibilitySettings(db, sub.roundId),
  );
  const dismissed = db
    .select({ d: plausibilityDismissals, by: users.name })
    .from(plausibilityDismissals)
    .innerJoin(users, eq(users.id, plausibilityDismissals.dismissedBy))
    .where(and(eq(plausibilityDismissals.submissionId, sub.id), eq(plausibilityDismissals.version, sub.version)))
    .all()
    .map(({ d, by }) => ({ itemCode: d.itemCode, kind: d.kind, reason: d.reason, by, at: d.dismissedAt }));
  return { flags, dismissed, peerGroup: index.groupOf.get(sub.cityId) ?? null };
}

/** How many flags each submission has that nobody dismissed (the queue's count). */
export function openFlagCounts(db: Db, submissionIds: number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const id of submissionIds) {
    const { flags, dismissed } = submissionFlags(db, id);
    const gone = new Set(dismissed.map((d) => `${d.kind}:${d.itemCode}`));
    out.set(id, flags.filter((f) => !gone.has(`${f.kind}:${f.itemCode}`)).length);
  }
  return out;
}

/** A reviewer of the submission (or an admin) dismisses a flag of its current version, with a reason; audited. */
export function dismissFlag(
  db: Db,
  user: SessionUser,
  input: { submissionId: number; itemCode: string; kind: "peer" | "previous"; reason: string },
  now = new Date(),
): { ok: true } | { ok: false; reason: "notFound" | "alreadyDecided" } {
  return db.transaction(
    (tx) => {
      const sub = tx.select().from(submissions).where(eq(submissions.id, input.submissionId)).get();
      if (!sub || !maySeeFlags(user, sub, reviewerAssignments(tx, user)))
        return { ok: false as const, reason: "notFound" as const };
      const flagged = submissionFlags(db, sub.id).flags.some(
        (f) => f.itemCode === input.itemCode && f.kind === input.kind,
      );
      if (!flagged) return { ok: false as const, reason: "notFound" as const };
      const inserted = tx
        .insert(plausibilityDismissals)
        .values({
          submissionId: sub.id,
          version: sub.version,
          itemCode: input.itemCode,
          kind: input.kind,
          reason: input.reason,
          dismissedBy: user.id,
          dismissedAt: now,
        })
        .onConflictDoNothing()
        .returning({ id: plausibilityDismissals.id })
        .get();
      if (!inserted) return { ok: false as const, reason: "alreadyDecided" as const };
      appendAudit(tx, {
        actorId: user.id,
        action: "plausibility.dismissed",
        entityType: "submission",
        entityId: sub.id,
        roundId: sub.roundId,
        cityId: sub.cityId,
        after: { version: sub.version, itemCode: input.itemCode, kind: input.kind, reason: input.reason },
      });
      return { ok: true as const };
    },
    { behavior: "immediate" },
  );
}
