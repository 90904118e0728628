/**
 * Plausibility flags of submitted versions (lib/review/plausibility.ts holds the arithmetic): the round's submitted
 * numeric values, indexed once per state of the round's submissions, peers by tier and region, last round's
 * verified values, and the flags reviewers dismissed with a reason.
 */
import "server-only";
import { createHash } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { and, count, desc, eq, inArray, isNull, max, sql, sum } from "drizzle-orm";
import { maySeeFlags } from "@/lib/auth/policy";
import type { SessionUser } from "@/lib/domain";
import {
  DEFAULT_PLAUSIBILITY,
  type PlausibilityFlag,
  type PlausibilitySettings,
  peerFlagsOfGroup,
  previousFlag,
} from "@/lib/review/plausibility";
import { reviewerAssignments } from "./assignments";
import { appendAudit } from "./audit";
import type { Db } from "./client";
import { askedTheSameWay, previousRoundValuesOfCities } from "./prefill";
import {
  answers,
  cities,
  items,
  plausibilityDismissals,
  roundCities,
  rounds,
  submissions,
  submissionVersions,
  users,
} from "./schema";

/** A version is with the reviewers (its values are what was submitted) in these states. */
const SUBMITTED = ["submitted", "in_review", "verified"] as const;

export function plausibilitySettings(db: Db, roundId: number): PlausibilitySettings {
  const row = db.select({ p: rounds.plausibility }).from(rounds).where(eq(rounds.id, roundId)).get();
  return { ...DEFAULT_PLAUSIBILITY, ...(row?.p ?? {}) };
}

type RoundFlags = {
  /** the flags of each submission's current version, when it is with the reviewers */
  bySubmission: Map<number, PlausibilityFlag[]>;
  /** tier/region of each participating city */
  groupOf: Map<number, string>;
};

// A round's flags, computed at once for every submitted version and kept while the versions with the reviewers,
// the thresholds and the cities' tiers and regions stay as they were (a city's autosave touches only its draft):
// a queue page or a review screen is then a lookup.
const flagCache = new WeakMap<Db, Map<number, { key: string; flags: RoundFlags }>>();

function roundFlags(db: Db, roundId: number): RoundFlags {
  const state = db
    .select({ n: count(), at: max(submissions.updatedAt), versions: sum(submissions.version) })
    .from(submissions)
    .where(and(eq(submissions.roundId, roundId), inArray(submissions.status, [...SUBMITTED])))
    .get();
  const round = db.select({ p: rounds.plausibility }).from(rounds).where(eq(rounds.id, roundId)).get();
  const groups = db
    .select({ g: sql<string>`group_concat(${cities.id} || ':' || ${cities.tier} || ${cities.region}, ',')` })
    .from(roundCities)
    .innerJoin(cities, eq(cities.id, roundCities.cityId))
    .where(eq(roundCities.roundId, roundId))
    .get();
  const key = [
    state?.n ?? 0,
    state?.at?.getTime() ?? 0,
    state?.versions ?? 0,
    JSON.stringify(round?.p ?? null),
    createHash("sha256")
      .update(groups?.g ?? "")
      .digest("hex"),
  ].join(":");
  let perDb = flagCache.get(db);
  if (!perDb) flagCache.set(db, (perDb = new Map()));
  const cached = perDb.get(roundId);
  if (cached?.key === key) return cached.flags;
  const flags = computeRoundFlags(db, roundId);
  perDb.set(roundId, { key, flags });
  return flags;
}

function computeRoundFlags(db: Db, roundId: number): RoundFlags {
  const settings = plausibilitySettings(db, roundId);
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
    .select({
      submissionId: submissions.id,
      cityId: submissions.cityId,
      code: items.code,
      unitZh: items.unitZh,
      value: answers.value,
    })
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
    .all()
    .filter((r) => typeof r.value === "number" && Number.isFinite(r.value));
  const bySubmission = new Map<number, PlausibilityFlag[]>();
  const add = (submissionId: number, flag: PlausibilityFlag) =>
    bySubmission.set(submissionId, [...(bySubmission.get(submissionId) ?? []), flag]);
  // Peers: per item and tier/region, every member against the others.
  const groups = new Map<string, { id: number; value: number }[]>();
  for (const r of rows) {
    const k = `${r.code}\u0000${groupOf.get(r.cityId)}`;
    let members = groups.get(k);
    if (!members) groups.set(k, (members = []));
    members.push({ id: r.submissionId, value: r.value as number });
  }
  for (const [k, members] of groups)
    for (const [submissionId, flag] of peerFlagsOfGroup(k.split("\u0000")[0]!, members, settings))
      add(submissionId, flag);
  // Last round: each city's verified value, when asked the same way.
  const last = previousRoundValuesOfCities(db, roundId);
  for (const r of rows) {
    const previous = last?.byCity.get(r.cityId)?.get(r.code);
    if (!previous || typeof previous.value !== "number") continue;
    if (!askedTheSameWay({ answerType: "number", unitZh: r.unitZh }, previous.item)) continue;
    const flag = previousFlag(r.code, r.value as number, previous.value, settings);
    if (flag) add(r.submissionId, flag);
  }
  return { bySubmission, groupOf };
}

export type Dismissal = {
  itemCode: string;
  kind: "peer" | "previous";
  reason: string;
  by: string;
  at: Date;
  /** set when made on an earlier version whose answer to the item the city left unchanged: that version */
  fromVersion: number | null;
};

/**
 * The dismissals in force on each submission's current version: those made on it, and those made on an earlier
 * version whose answer to the item the city did not change (the same value flagged for the same reason).
 */
function dismissalsOf(db: Db, subs: { id: number; version: number }[]): Map<number, Dismissal[]> {
  const out = new Map<number, Dismissal[]>();
  if (!subs.length) return out;
  const versionOf = new Map(subs.map((s) => [s.id, s.version]));
  const rows = db
    .select({ d: plausibilityDismissals, by: users.name })
    .from(plausibilityDismissals)
    .innerJoin(users, eq(users.id, plausibilityDismissals.dismissedBy))
    .where(inArray(plausibilityDismissals.submissionId, [...versionOf.keys()]))
    .orderBy(desc(plausibilityDismissals.version))
    .all();
  const earlier = rows.filter(({ d }) => d.version < versionOf.get(d.submissionId)!);
  const snapshots = earlier.length
    ? db
        .select()
        .from(submissionVersions)
        .where(inArray(submissionVersions.submissionId, [...new Set(earlier.map(({ d }) => d.submissionId))]))
        .all()
    : [];
  const answerIn = (submissionId: number, version: number, itemCode: string) =>
    snapshots
      .find((v) => v.submissionId === submissionId && v.version === version)
      ?.snapshot.answers.find((a) => a.itemCode === itemCode);
  for (const { d, by } of rows) {
    const current = versionOf.get(d.submissionId)!;
    if (d.version > current) continue;
    if (d.version < current) {
      const [then, now] = [
        answerIn(d.submissionId, d.version, d.itemCode),
        answerIn(d.submissionId, current, d.itemCode),
      ];
      if (!then || !now || !isDeepStrictEqual(then, now)) continue;
    }
    const list = out.get(d.submissionId) ?? [];
    // the newest dismissal of a flag only (rows come newest version first)
    if (list.some((x) => x.itemCode === d.itemCode && x.kind === d.kind)) continue;
    list.push({
      itemCode: d.itemCode,
      kind: d.kind,
      reason: d.reason,
      by,
      at: d.dismissedAt,
      fromVersion: d.version === current ? null : d.version,
    });
    out.set(d.submissionId, list);
  }
  return out;
}

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
  const round = roundFlags(db, sub.roundId);
  return {
    flags: round.bySubmission.get(sub.id) ?? [],
    dismissed: dismissalsOf(db, [sub]).get(sub.id) ?? [],
    peerGroup: round.groupOf.get(sub.cityId) ?? null,
  };
}

/** How many flags each submission has that nobody dismissed (the queue's count). */
export function openFlagCounts(db: Db, submissionIds: number[]): Map<number, number> {
  const out = new Map<number, number>();
  const subs = submissionIds.length
    ? db
        .select({
          id: submissions.id,
          roundId: submissions.roundId,
          version: submissions.version,
          status: submissions.status,
        })
        .from(submissions)
        .where(inArray(submissions.id, submissionIds))
        .all()
    : [];
  const dismissed = dismissalsOf(db, subs);
  const ofRound = new Map<number, RoundFlags>();
  for (const sub of subs) {
    if (!ofRound.has(sub.roundId)) ofRound.set(sub.roundId, roundFlags(db, sub.roundId));
    const flags = (SUBMITTED as readonly string[]).includes(sub.status)
      ? (ofRound.get(sub.roundId)!.bySubmission.get(sub.id) ?? [])
      : [];
    const gone = new Set((dismissed.get(sub.id) ?? []).map((d) => `${d.kind}:${d.itemCode}`));
    out.set(sub.id, flags.filter((f) => !gone.has(`${f.kind}:${f.itemCode}`)).length);
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
  const target = db.select().from(submissions).where(eq(submissions.id, input.submissionId)).get();
  if (!target || !maySeeFlags(user, target, reviewerAssignments(db, user))) return { ok: false, reason: "notFound" };
  // The flags first, outside the write lock (computing a national round's takes a second).
  const flagged = submissionFlags(db, target.id).flags.some(
    (f) => f.itemCode === input.itemCode && f.kind === input.kind,
  );
  return db.transaction(
    (tx) => {
      const sub = tx.select().from(submissions).where(eq(submissions.id, input.submissionId)).get();
      if (!sub || !maySeeFlags(user, sub, reviewerAssignments(tx, user)) || !flagged)
        return { ok: false as const, reason: "notFound" as const };
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
