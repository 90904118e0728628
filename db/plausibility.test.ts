import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getCityByCode } from "./cities";
import type { Db } from "./client";
import { loadFrameworkFile } from "./data-files";
import { dismissFlag, openFlagCounts, submissionFlags } from "./plausibility";
import { createRound } from "./rounds";
import {
  answers,
  auditLog,
  items,
  modules,
  reviewAssignments,
  reviewStages,
  rounds,
  submissions,
  submissionVersions,
} from "./schema";
import { seedBase } from "./seed";
import { createTestDb, createTestUser } from "./test-db";

/** Ten prefecture-level cities of the east (one tier and region), and one of the north. */
const EAST = [
  "wuxi",
  "suzhou",
  "huaian",
  "changzhou",
  "xuzhou",
  "zhenjiang",
  "yangzhou",
  "lianyungang",
  "zhoushan",
  "wenzhou",
];

/** A 2019 round where each city submitted module B with its B1.1 (per 10k people) value, written directly. */
async function roundWith(values: Record<string, number>, extra: Record<string, number> = {}) {
  const db = createTestDb();
  seedBase(db);
  const codes = [...Object.keys(values), ...Object.keys(extra)];
  const roundId = createRound(
    db,
    { name: "plausibility", year: 2019, status: "open", cityIds: codes.map((c) => getCityByCode(db, c)!.id) },
    loadFrameworkFile(2019),
    null,
  );
  const moduleB = db
    .select()
    .from(modules)
    .where(and(eq(modules.roundId, roundId), eq(modules.code, "B")))
    .get()!;
  const b11 = db
    .select()
    .from(items)
    .where(and(eq(items.roundId, roundId), eq(items.code, "B1.1")))
    .get()!;
  const user = await createTestUser(db, "staff@x.org", "city_staff", "wuxi");
  const subOf: Record<string, number> = {};
  for (const [code, value] of Object.entries({ ...values, ...extra })) {
    const cityId = getCityByCode(db, code)!.id;
    const sub = db
      .insert(submissions)
      .values({ roundId, cityId, moduleId: moduleB.id, status: "submitted", version: 1, updatedAt: new Date() })
      .returning()
      .get();
    db.insert(answers).values({ submissionId: sub.id, itemId: b11.id, value, revision: 1, updatedBy: user.id }).run();
    subOf[code] = sub.id;
  }
  return { db, roundId, moduleId: moduleB.id, subOf };
}

async function reviewerOf(db: Db, roundId: number, moduleId: number, email: string) {
  const reviewer = await createTestUser(db, email, "reviewer");
  const [stage] = db.select().from(reviewStages).where(eq(reviewStages.roundId, roundId)).all();
  db.insert(reviewAssignments).values({ roundId, moduleId, stageId: stage!.id, reviewerId: reviewer.id }).run();
  return reviewer;
}

describe("plausibility flags of submitted versions", () => {
  it("finds the known outlier among its peers of the same tier and region, and no flag among ordinary values", async () => {
    const ordinary = [12, 14, 15, 15, 16, 17, 18, 13, 16];
    const values = Object.fromEntries(EAST.map((c, i) => [c, i === 9 ? 63 : ordinary[i]!]));
    // Beijing (a municipality of the north) is no peer of theirs: its 300 changes nothing.
    const { db, subOf } = await roundWith(values, { beijing: 300 });
    const outlier = submissionFlags(db, subOf.wenzhou!);
    expect(outlier.flags).toEqual([
      expect.objectContaining({ kind: "peer", itemCode: "B1.1", value: 63, median: 15, peers: 9, min: 12, max: 18 }),
    ]);
    expect(outlier.peerGroup).toBe("prefecture/east");
    for (const code of EAST.slice(0, 9)) expect(submissionFlags(db, subOf[code]!).flags, code).toEqual([]);
    // Beijing has no peers in this round: never flagged against others.
    expect(submissionFlags(db, subOf.beijing!).flags).toEqual([]);
    expect(openFlagCounts(db, [subOf.wenzhou!, subOf.wuxi!])).toEqual(
      new Map([
        [subOf.wenzhou!, 1],
        [subOf.wuxi!, 0],
      ]),
    );
  });

  it("follows the round's thresholds", async () => {
    const values = Object.fromEntries(EAST.map((c, i) => [c, 10 + i]));
    const { db, roundId, subOf } = await roundWith(values);
    expect(submissionFlags(db, subOf.wenzhou!).flags).toEqual([]);
    db.update(rounds)
      .set({ plausibility: { zThreshold: 1 } as never })
      .where(eq(rounds.id, roundId))
      .run();
    expect(submissionFlags(db, subOf.wenzhou!).flags.map((f) => f.kind)).toEqual(["peer"]);
  });

  it("lets the module's reviewers dismiss a flag with a reason, audited, and refuses anyone else", async () => {
    const values = Object.fromEntries(EAST.map((c, i) => [c, i === 9 ? 63 : 15 + (i % 3)]));
    const { db, roundId, moduleId, subOf } = await roundWith(values);
    const reviewer = await reviewerOf(db, roundId, moduleId, "r1@x.org");
    const stranger = await createTestUser(db, "r2@x.org", "reviewer");
    const staff = await createTestUser(db, "wz@x.org", "city_staff", "wenzhou");
    const input = {
      submissionId: subOf.wenzhou!,
      itemCode: "B1.1",
      kind: "peer" as const,
      reason: "新建产业园，数据属实",
    };
    for (const user of [stranger, staff])
      expect(dismissFlag(db, user, input)).toEqual({ ok: false, reason: "notFound" });
    expect(dismissFlag(db, reviewer, { ...input, kind: "previous" })).toEqual({ ok: false, reason: "notFound" });
    expect(dismissFlag(db, reviewer, input)).toEqual({ ok: true });
    expect(dismissFlag(db, reviewer, input)).toEqual({ ok: false, reason: "alreadyDecided" });
    expect(submissionFlags(db, subOf.wenzhou!).dismissed).toEqual([
      expect.objectContaining({ itemCode: "B1.1", kind: "peer", reason: "新建产业园，数据属实" }),
    ]);
    expect(openFlagCounts(db, [subOf.wenzhou!]).get(subOf.wenzhou!)).toBe(0);
    expect(db.select().from(auditLog).where(eq(auditLog.action, "plausibility.dismissed")).all()).toHaveLength(1);
  });

  it("keeps a dismissal for the next version while the city leaves the item as it was", async () => {
    const values = Object.fromEntries(EAST.map((c, i) => [c, i === 9 ? 63 : 15 + (i % 3)]));
    const { db, roundId, moduleId, subOf } = await roundWith(values);
    const reviewer = await reviewerOf(db, roundId, moduleId, "r1@x.org");
    const wenzhou = subOf.wenzhou!;
    const snapshot = (value: number) => ({
      answers: [{ itemCode: "B1.1", value, notApplicableReason: null }],
      evidence: [],
    });
    db.insert(submissionVersions)
      .values({ submissionId: wenzhou, version: 1, snapshot: snapshot(63) })
      .run();
    expect(
      dismissFlag(db, reviewer, { submissionId: wenzhou, itemCode: "B1.1", kind: "peer", reason: "数据属实" }),
    ).toEqual({ ok: true });
    // Version 2 (returned for another item, resubmitted) with B1.1 unchanged: still dismissed, from version 1.
    db.update(submissions).set({ version: 2 }).where(eq(submissions.id, wenzhou)).run();
    db.insert(submissionVersions)
      .values({ submissionId: wenzhou, version: 2, snapshot: snapshot(63) })
      .run();
    expect(submissionFlags(db, wenzhou).dismissed).toEqual([
      expect.objectContaining({ itemCode: "B1.1", kind: "peer", reason: "数据属实", fromVersion: 1 }),
    ]);
    expect(openFlagCounts(db, [wenzhou]).get(wenzhou)).toBe(0);
    // Version 3 changes B1.1 (64, still an outlier): the reason given for 63 no longer holds.
    db.update(submissions).set({ version: 3 }).where(eq(submissions.id, wenzhou)).run();
    db.update(answers).set({ value: 64 }).where(eq(answers.submissionId, wenzhou)).run();
    db.insert(submissionVersions)
      .values({ submissionId: wenzhou, version: 3, snapshot: snapshot(64) })
      .run();
    expect(submissionFlags(db, wenzhou).dismissed).toEqual([]);
    expect(openFlagCounts(db, [wenzhou]).get(wenzhou)).toBe(1);
  });
});
