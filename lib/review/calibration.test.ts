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
  const of = (moduleId: number) => assigned.get(moduleId) ?? new Set<number>();

  it("never pairs a reviewer of the module, and spreads the load", () => {
    const sample = [1, 1, 1, 1, 2, 2].map((moduleId, key) => ({ key, moduleId }));
    const { paired, unpaired } = pairSecondReviewers(sample, [10, 11, 12], of);
    expect(unpaired).toEqual([]);
    for (const p of paired) expect(of(p.moduleId).has(p.reviewerId)).toBe(false);
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

  it("two adjustments are the same decision only with the same value", () => {
    expect(sameDecision(adjust(60), adjust(60))).toBe(true);
    expect(sameDecision(adjust(60), adjust(70))).toBe(false);
    expect(sameDecision(adjust(["a", "b"]), adjust(["a", "b"]))).toBe(true);
    expect(sameDecision(accept, { action: "accept", adjustedValue: "ignored" })).toBe(true);
    expect(sameDecision(accept, query)).toBe(false);
  });

  it("per pair: identical share, kappa, the gap of adjustments in points, and the items disagreed on", () => {
    const other = { ...share, code: "B1.3" };
    const { pairs, items } = calibrationAgreement([
      compare(accept, accept),
      compare(accept, adjust(60)), // 80 → 60 of 10 points: 800 vs 600 hundredths
      compare(adjust(70), adjust(60), { item: other as Comparison["item"] }), // 700 vs 600
      compare(query, query),
      compare(accept, accept, { firstReviewerId: 3 }),
    ]);
    expect(pairs).toHaveLength(2);
    const [main, small] = pairs;
    expect(main).toMatchObject({ firstReviewerId: 1, secondReviewerId: 2, compared: 4, identical: 0.5 });
    expect(main!.adjustedByEither).toBe(2);
    expect(main!.adjustmentGap).toBe((200 + 100) / 2);
    // observed 0.75 (three of four actions equal); chance: accept 2/4·1/4 + adjust 1/4·2/4 + query 1/4·1/4 = 5/16
    expect(main!.kappa).toBeCloseTo((0.75 - 5 / 16) / (1 - 5 / 16), 10);
    expect(main!.topItems).toEqual([
      { itemCode: "B1.3", compared: 1, disagreed: 1 },
      { itemCode: "B1.2", compared: 3, disagreed: 1 },
    ]);
    expect(small).toMatchObject({ compared: 1, identical: 1, kappa: null, adjustmentGap: null, topItems: [] });
    // overall, B1.3 (1 of 1) and B1.2 (1 of 4) each once: the higher share first
    expect(items).toEqual([
      { itemCode: "B1.3", compared: 1, disagreed: 1 },
      { itemCode: "B1.2", compared: 4, disagreed: 1 },
    ]);
  });

  it("a query leaves the city's value in place: against an acceptance it is no gap in points", () => {
    const [pair] = calibrationAgreement([compare(query, accept), compare(accept, adjust(80))]).pairs;
    expect(pair!.identical).toBe(0);
    // adjusting to the city's own value scores the same
    expect(pair!.adjustmentGap).toBe(0);
  });
});
