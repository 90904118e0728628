import { count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { seedDemoRound } from "./demo-round";
import { getRoundReport, getScorecard } from "./report";
import { loadRoundInput, recomputeRound } from "./results";
import { itemReviews, submissions } from "./schema";
import { seedBase, seedDemoAccounts } from "./seed";
import { createTestDb } from "./test-db";

describe("the demo round", () => {
  it("is finalised with all 108 cities near the published 2019 figures, and seeding again changes nothing", async () => {
    const db = createTestDb();
    const { roundId: openId } = seedBase(db);
    await seedDemoAccounts(db, openId);
    const roundId = seedDemoRound(db);
    expect(seedDemoRound(db)).toBe(roundId);
    const report = getRoundReport(db, roundId)!;
    const rates = Object.fromEntries(report.moduleRates.map((m) => [m.code, m.rate]));
    const regionOrder = report.regions.map((r) => r.key);
    const tierMean = Object.fromEntries(report.cityTiers.map((t) => [t.key, t.mean]));
    console.log(
      `demo: mean ${(report.summary.mean / 100).toFixed(2)}, 50–70 share ${(report.share50to70 * 100).toFixed(1)}%, rates ${JSON.stringify(rates)}, regions ${regionOrder.join(">")}, tiers ${report.regionTiers.map((t) => t.map((r) => r.key).join("+")).join(" | ")}`,
    );
    expect(report.summary.cities).toBe(108);
    expect(Math.abs(report.summary.mean - 5680)).toBeLessThanOrEqual(200); // hundredths
    expect(report.share50to70).toBeGreaterThanOrEqual(0.6);
    expect(report.share50to70).toBeLessThanOrEqual(0.75);
    // The published order of module score rates: 智慧民生 > 智慧治理 > 创新环境 > 智慧基础 > 数字经济.
    expect(
      Object.entries(rates)
        .sort((a, b) => b[1]! - a[1]!)
        .map(([code]) => code),
    ).toEqual(["P", "G", "I", "B", "E"]);
    expect(report.regionTiers.map((tier) => tier.map((r) => r.key).sort())).toEqual([
      ["east"],
      ["south", "southwest"],
      ["central", "north"],
      ["northeast", "northwest"],
    ]);
    expect(Math.min(tierMean.municipality!, tierMean.sub_provincial!)).toBeGreaterThan(tierMean.prefecture!);
    expect(recomputeRound(db, roundId).ok).toBe(true);
    // What finalising reads (answers and evidence gathered per module by SQLite) is what the rows hold.
    const input = loadRoundInput(db, roundId);
    const plain = db.$client
      .prepare(
        "SELECT s.city_id, i.code, a.value, a.not_applicable_reason FROM answers a JOIN submissions s ON s.id = a.submission_id JOIN items i ON i.id = a.item_id WHERE s.round_id = ? AND s.status = 'verified'",
      )
      .all(roundId) as { city_id: number; code: string; value: string | null; not_applicable_reason: string | null }[];
    expect(plain.length).toBe(108 * 58);
    const itemOf = new Map(input.cities.map((c) => [c.cityId, c.items]));
    for (const a of plain) {
      const item = itemOf.get(a.city_id)![a.code]!;
      expect([item.submitted, item.notApplicable]).toEqual([
        a.value === null ? null : JSON.parse(a.value),
        !!a.not_applicable_reason,
      ]);
    }
    const files = db.$client
      .prepare(
        "SELECT count(*) FROM evidence e JOIN submissions s ON s.id = e.submission_id WHERE s.round_id = ? AND s.status = 'verified' AND e.deleted_at IS NULL",
      )
      .pluck()
      .get(roundId);
    expect(input.cities.flatMap((c) => Object.values(c.items).flatMap((i) => i.evidence)).length).toBe(files);
    // A city's scorecard: its indicators add up to its modules, and the indicators' means to the modules' means.
    const card = getScorecard(db, roundId, report.ranking[50]!.cityId)!;
    for (const m of card.modules) {
      expect(m.indicators.reduce((sum, i) => sum + i.points, 0)).toBe(m.points);
      expect(m.indicators.reduce((sum, i) => sum + i.average, 0)).toBeCloseTo(m.mean, 6);
    }
    // The generator approves through the reviewers' path: every item of every city carries a decision at both stages.
    const decided = db
      .select({ n: count() })
      .from(itemReviews)
      .innerJoin(submissions, eq(submissions.id, itemReviews.submissionId))
      .where(eq(submissions.roundId, roundId))
      .get()!.n;
    expect(decided).toBe(108 * 58 * 2);
  }, 120_000);
});
