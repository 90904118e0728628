import { describe, expect, it } from "vitest";
import {
  type Comparison,
  calibrationAgreement,
  cohensKappa,
  type Decision,
  drawSample,
  pairSecondReviewers,
  sameDecision,
  sampleSize,
} from "./calibration";

const share = { code: "B1.2", answerType: "number", scoringRule: { kind: "linear", lo: 0, hi: 100 }, maxPoints: 1000 };
const accept: Decision = { action: "accept", adjustedValue: null };
const query: Decision = { action: "query", adjustedValue: null };
const adjust = (v: unknown): Decision => ({ action: "adjust", adjustedValue: v });

function compare(first: Decision, second: Decision, over: Partial<Comparison> = {}): Comparison {
  return {
    calibrationId: 1,
    stagePosition: 1,
    firstReviewerId: 1,
    secondReviewerId: 2,
    item: share as Comparison["item"],
    answer: { value: 80, notApplicableReason: null },
    first,
    second,
    ...over,
  };
}

describe("drawing the sample", () => {
  it("takes the share, rounded up, and at least one while there are candidates", () => {
    expect(sampleSize(0, 0.1)).toBe(0);
    expect(sampleSize(5, 0.1)).toBe(1);
    expect(sampleSize(108, 0.1)).toBe(11);
    expect(sampleSize(20, 1)).toBe(20);
  });

  it("draws distinct candidates, the same for the same seed and others for another", () => {
    const candidates = Array.from({ length: 100 }, (_, i) => i);
    const a = drawSample(candidates, 0.1, 42);
    expect(a).toHaveLength(10);
    expect(new Set(a).size).toBe(10);
    expect(drawSample(candidates, 0.1, 42)).toEqual(a);
    expect(drawSample(candidates, 0.1, 43)).not.toEqual(a);
  });

  it("gives every candidate about the same chance", () => {
    const hits = new Array<number>(10).fill(0);
    for (let seed = 0; seed < 2000; seed++) for (const x of drawSample([...hits.keys()], 0.2, seed)) hits[x]! += 1;
    // 2,000 draws of 2 in 10: each is expected 400 times
    for (const h of hits) expect(h).toBeGreaterThan(320);
    for (const h of hits) expect(h).toBeLessThan(480);
  });
});

describe("pairing second reviewers", () => {
  const assigned = new Map([
    [1, new Set([10])], // module 1 is reviewed by 10
    [2, new Set([11])],
    [3, new Set([10, 11, 12])], // module 3 by everyone in the pool
  ]);
  const of = (entry: { moduleId: number }) => assigned.get(entry.moduleId) ?? new Set<number>();

  it("never pairs a reviewer who may have seen the first review, and spreads the load", () => {
    const sample = [1, 1, 1, 1, 2, 2].map((moduleId, key) => ({ key, moduleId }));
    const { paired, unpaired } = pairSecondReviewers(sample, [10, 11, 12], of);
    expect(unpaired).toEqual([]);
    for (const p of paired) expect(of(p).has(p.reviewerId)).toBe(false);
    const load = (id: number) => paired.filter((p) => p.reviewerId === id).length;
    expect([load(10), load(11), load(12)]).toEqual([2, 2, 2]);
  });

  it("leaves a version unpaired when the whole pool reviews its module, and counts earlier calibrations", () => {
    const { paired, unpaired } = pairSecondReviewers(
      [
        { key: "a", moduleId: 3 },
        { key: "b", moduleId: 1 },
      ],
      [10, 11, 12],
      of,
      new Map([[11, 5]]),
    );
    expect(unpaired.map((u) => u.key)).toEqual(["a"]);
    expect(paired).toEqual([{ key: "b", moduleId: 1, reviewerId: 12 }]);
  });
});

describe("agreement", () => {
  it("Cohen's kappa of the textbook table (20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no) is 0.4", () => {
    const rows = [
      ...Array<["y", "y"]>(20).fill(["y", "y"]),
      ...Array<["y", "n"]>(5).fill(["y", "n"]),
      ...Array<["n", "y"]>(10).fill(["n", "y"]),
      ...Array<["n", "n"]>(15).fill(["n", "n"]),
    ];
    expect(cohensKappa(rows)).toBeCloseTo(0.4, 10);
  });

  it("kappa is 1 for perfect agreement over several categories, and undefined when both always chose one", () => {
    expect(
      cohensKappa([
        ["a", "a"],
        ["b", "b"],
      ]),
    ).toBe(1);
    expect(
      cohensKappa([
        ["a", "a"],
        ["a", "a"],
      ]),
    ).toBeNull();
    expect(cohensKappa([])).toBeNull();
  });

  it("two adjustments are the same decision only with the same value; one that keeps the city's is an acceptance", () => {
    const answer = { value: 80, notApplicableReason: null };
    const same = (a: Decision, b: Decision, item = share, given: Comparison["answer"] = answer) =>
      sameDecision(item as Comparison["item"], given, a, b);
    expect(same(adjust(60), adjust(60))).toBe(true);
    expect(same(adjust(60), adjust(70))).toBe(false);
    expect(same(adjust(["a", "b"]), adjust(["a", "b"]))).toBe(true);
    expect(same(accept, { action: "accept", adjustedValue: "ignored" })).toBe(true);
    expect(same(accept, query)).toBe(false);
    // "Adjusting" 80 to 80 changes nothing: it is an acceptance.
    expect(same(accept, adjust(80))).toBe(true);
    // A link judged working scores as an accepted link.
    const link = { code: "Q1.5", answerType: "url", scoringRule: { kind: "url" }, maxPoints: 100 };
    expect(same(accept, adjust("ok"), link as never, { value: "https://x.cn", notApplicableReason: null })).toBe(true);
    expect(same(accept, adjust("partial"), link as never, { value: "https://x.cn", notApplicableReason: null })).toBe(
      false,
    );
    // Not applicable, then given a value by the reviewer: an adjustment even if it equals the stored value.
    expect(same(accept, adjust(80), share, { value: 80, notApplicableReason: "无此项" })).toBe(false);
  });

  it("per pair and stage: identical share, kappa, the gap of adjustments in points, and the items disagreed on", () => {
    const other = { ...share, code: "B1.3" };
    const { pairs, items } = calibrationAgreement([
      compare(accept, accept),
      compare(accept, adjust(60)), // 80 → 60 of 10 points: 800 vs 600 hundredths
      compare(adjust(70), adjust(60), { item: other as Comparison["item"] }), // 700 vs 600
      compare(query, query),
      compare(accept, accept, { firstReviewerId: 3, calibrationId: 2 }),
      // the same two reviewers at stage 2 are a pair of their own
      compare(accept, query, { stagePosition: 2, calibrationId: 3 }),
    ]);
    expect(pairs).toHaveLength(3);
    const [main, small, later] = pairs;
    expect(main).toMatchObject({
      stagePosition: 1,
      firstReviewerId: 1,
      secondReviewerId: 2,
      calibrations: 1,
      compared: 4,
      identical: 0.5,
    });
    expect(later).toMatchObject({
      stagePosition: 2,
      firstReviewerId: 1,
      secondReviewerId: 2,
      compared: 1,
      identical: 0,
    });
    expect(main!.adjustedByEither).toBe(2);
    expect(main!.adjustmentGap).toBe((200 + 100) / 2);
    // observed 0.75 (three of four actions equal); chance: accept 2/4·1/4 + adjust 1/4·2/4 + query 1/4·1/4 = 5/16
    expect(main!.kappa).toBeCloseTo((0.75 - 5 / 16) / (1 - 5 / 16), 10);
    expect(main!.topItems).toEqual([
      { itemCode: "B1.3", compared: 1, disagreed: 1 },
      { itemCode: "B1.2", compared: 3, disagreed: 1 },
    ]);
    expect(small).toMatchObject({ compared: 1, identical: 1, kappa: null, adjustmentGap: null, topItems: [] });
    // overall, B1.2 twice (of 5), then B1.3 (1 of 1)
    expect(items).toEqual([
      { itemCode: "B1.2", compared: 5, disagreed: 2 },
      { itemCode: "B1.3", compared: 1, disagreed: 1 },
    ]);
  });

  it("a query leaves the city's value in place: against an acceptance it is no gap in points", () => {
    const [pair] = calibrationAgreement([compare(query, accept), compare(accept, adjust(70))]).pairs;
    expect(pair!.identical).toBe(0);
    expect(pair!.adjustedByEither).toBe(1);
    expect(pair!.adjustmentGap).toBe(100); // 80 → 70 of 10 points
  });
});
