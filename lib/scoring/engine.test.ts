import { describe, expect, it } from "vitest";
import { type ScorableItem, scoreFramework, scoreItem } from "./engine";

const linear: ScorableItem = { code: "B1.2", scoringRule: { kind: "linear", lo: 60, hi: 100 }, maxPoints: 150 };
const bands: ScorableItem = {
  code: "B1.1",
  maxPoints: 200,
  scoringRule: {
    kind: "bands",
    bands: [
      { op: ">=", value: 10, fraction: 1 },
      { op: ">=", value: 5, fraction: 0.75 },
      { op: ">=", value: 1, fraction: 0.5 },
      { op: ">", value: 0, fraction: 0.25 },
    ],
  },
};
const boolean: ScorableItem = { code: "B2.1", scoringRule: { kind: "boolean" }, maxPoints: 150 };
const single: ScorableItem = {
  code: "B2.3",
  scoringRule: { kind: "single", fractions: { iaas: 0.3, paas: 0.7, shared: 1 } },
  maxPoints: 100,
};
const multi: ScorableItem = { code: "B3.2", scoringRule: { kind: "multi", pointsEach: 0.3 }, maxPoints: 150 };
const url: ScorableItem = { code: "G4.3", scoringRule: { kind: "url" }, maxPoints: 150 };
const text: ScorableItem = { code: "X1.1", scoringRule: { kind: "none" }, maxPoints: 0 };

const score = (item: ScorableItem, value: unknown, extra: object = {}) => scoreItem(item, { value, ...extra });

describe("linear(lo, hi)", () => {
  it.each([
    [0, 0],
    [59.99, 0],
    [60, 0],
    [80, 75],
    [99, 146],
    [100, 150],
    [120, 150],
  ])("%s → %s hundredths", (value, points) => expect(score(linear, value)).toBe(points));

  it("rounds to hundredths without binary artefacts", () => {
    // 1.5 × (62.85 − 60) / 40 = 0.106875 → 0.11
    expect(score(linear, 62.85)).toBe(11);
    expect(score({ ...linear, scoringRule: { kind: "linear", lo: 0, hi: 100 }, maxPoints: 100 }, 28.5)).toBe(29);
  });
});

describe("bands", () => {
  it.each([
    [-1, 0],
    [0, 0],
    [0.01, 50],
    [0.99, 50],
    [1, 100],
    [4.99, 100],
    [5, 150],
    [9.99, 150],
    [10, 200],
    [1000, 200],
  ])("%s → %s hundredths", (value, points) => expect(score(bands, value)).toBe(points));

  it("gives 0 below the last band", () => {
    const twoBands: ScorableItem = {
      code: "E1.3",
      maxPoints: 100,
      scoringRule: {
        kind: "bands",
        bands: [
          { op: ">=", value: 3, fraction: 1 },
          { op: ">=", value: 1, fraction: 0.6 },
        ],
      },
    };
    expect(score(twoBands, 0)).toBe(0);
    expect(score(twoBands, 1)).toBe(60);
    expect(score(twoBands, 3)).toBe(100);
  });
});

describe("boolean, single, multi, url, none", () => {
  it("boolean: yes → max, no → 0", () => {
    expect(score(boolean, true)).toBe(150);
    expect(score(boolean, false)).toBe(0);
  });

  it("single: each option's fraction; an unknown option → 0", () => {
    expect(score(single, "iaas")).toBe(30);
    expect(score(single, "paas")).toBe(70);
    expect(score(single, "shared")).toBe(100);
    expect(score(single, "other")).toBe(0);
  });

  it("multi: fixed points per selected option, capped at max, duplicates counted once", () => {
    expect(score(multi, [])).toBe(0);
    expect(score(multi, ["a"])).toBe(30);
    expect(score(multi, ["a", "a", "b"])).toBe(60);
    expect(score(multi, ["a", "b", "c", "d", "e"])).toBe(150);
    expect(score({ ...multi, scoringRule: { kind: "multi", pointsEach: 0.5 } }, ["a", "b", "c", "d"])).toBe(150);
  });

  it("url: works → max, incomplete → half, broken → 0; an unjudged link counts as working", () => {
    expect(score(url, "https://example.org")).toBe(150);
    expect(score(url, "https://example.org", { urlJudgement: "ok" })).toBe(150);
    expect(score(url, "https://example.org", { urlJudgement: "partial" })).toBe(75);
    expect(score(url, "https://example.org", { urlJudgement: "bad" })).toBe(0);
    expect(score(url, "  ")).toBe(0);
  });

  it("none: never scores", () => {
    expect(score(text, "anything")).toBe(0);
  });
});

describe("empty, wrong-typed and not applicable answers score 0", () => {
  it.each([linear, bands, boolean, single, multi, url])("$code", (item) => {
    expect(scoreItem(item, undefined)).toBe(0);
    expect(scoreItem(item, null)).toBe(0);
    expect(score(item, null)).toBe(0);
    expect(score(item, { wrong: "type" })).toBe(0);
    const full = {
      linear: 100,
      bands: 10,
      boolean: true,
      single: "shared",
      multi: ["a", "b", "c", "d", "e"],
      url: "https://x.org",
      none: "",
    }[item.scoringRule.kind];
    expect(score(item, full)).toBe(item.maxPoints);
    expect(score(item, full, { notApplicable: true })).toBe(0);
  });
});

describe("scoreFramework", () => {
  it("sums items into indicators, modules and the total", () => {
    const framework = [
      {
        code: "B",
        maxPoints: 650,
        indicators: [
          { code: "B1", maxPoints: 350, items: [linear, bands] },
          { code: "B2", maxPoints: 300, items: [boolean, multi] },
        ],
      },
      { code: "G", maxPoints: 250, indicators: [{ code: "G4", maxPoints: 250, items: [single, url] }] },
    ];
    const card = scoreFramework(framework, {
      "B1.2": { value: 80 },
      "B1.1": { value: 5 },
      "B2.1": { value: true },
      "B3.2": { value: ["a"], notApplicable: true },
      "B2.3": { value: "paas" },
    });
    expect(card).toEqual({
      items: { "B1.2": 75, "B1.1": 150, "B2.1": 150, "B3.2": 0, "B2.3": 70, "G4.3": 0 },
      indicators: { B1: 225, B2: 150, G4: 70 },
      modules: { B: 375, G: 70 },
      total: 445,
    });
  });
});
