import { describe, expect, it } from "vitest";
import { type ScorableAnswer, type ScorableItem, scoreItem } from "./engine";
import { derivationParams, explainItemScore } from "./explain";

const item = (scoringRule: ScorableItem["scoringRule"], maxPoints = 200): ScorableItem => ({
  code: "X1.1",
  scoringRule,
  maxPoints,
});

describe("explainItemScore", () => {
  const cases: [ScorableItem, ScorableAnswer | undefined, string, Record<string, unknown>][] = [
    [
      item({ kind: "linear", lo: 0, hi: 100 }),
      { value: 88 },
      "linear",
      { fraction: "88%", exact: "1.7600", points: "1.76" },
    ],
    [item({ kind: "linear", lo: 10, hi: 40 }, 150), { value: 20.5 }, "linear", { exact: "0.5250", points: "0.53" }], // rounded to hundredths
    [
      item({
        kind: "bands",
        bands: [
          { op: ">=", value: 12, fraction: 1 },
          { op: ">=", value: 6, fraction: 0.5 },
        ],
      }),
      { value: 11 },
      "band",
      { bound: 6, fraction: "50%", points: "1.00" },
    ],
    [
      item({ kind: "bands", bands: [{ op: ">", value: 6, fraction: 1 }] }),
      { value: 6 },
      "belowBands",
      { points: "0.00" },
    ],
    [item({ kind: "boolean" }), { value: true }, "booleanYes", { points: "2.00" }],
    [
      item({ kind: "single", fractions: { built: 1, building: 0.5 } }),
      { value: "building" },
      "single",
      { fraction: "50%", points: "1.00" },
    ],
    [
      item({ kind: "multi", pointsEach: 0.5 }, 150),
      { value: ["a", "b", "c", "d"] },
      "multi",
      { count: 4, points: "1.50" },
    ], // capped at max
    [item({ kind: "url" }), { value: "https://x", urlJudgement: "partial" }, "url_partial", { points: "1.00" }],
    [item({ kind: "linear", lo: 0, hi: 100 }), { value: 50, notApplicable: true }, "notApplicable", { points: "0.00" }],
    [item({ kind: "linear", lo: 60, hi: 100 }), { value: 50 }, "linearBelow", { lo: 60, points: "0.00" }],
    [item({ kind: "linear", lo: 60, hi: 100 }), { value: 120 }, "linearAbove", { hi: 100, points: "2.00" }],
    [
      item({
        kind: "bands",
        bands: [
          { op: ">=", value: 6, fraction: 0.5 },
          { op: ">=", value: 12, fraction: 1 },
        ],
      }),
      { value: 3 },
      "belowBands",
      { bound: 6, points: "0.00" },
    ], // ascending bands
    [item({ kind: "single", fractions: { built: 1 } }), { value: 1 }, "notAnOption", { points: "0.00" }],
    [item({ kind: "url" }), { value: "https://x" }, "url_unjudged", { points: "2.00" }],
    [item({ kind: "url" }), { value: "" }, "noValue", { points: "0.00" }],
    [item({ kind: "linear", lo: 0, hi: 100 }), undefined, "noValue", { points: "0.00" }],
  ];

  it.each(cases)("explains %# with the engine's own points", (it_, answer, key, params) => {
    const derivation = explainItemScore(it_, answer, true);
    expect(derivation.key).toBe(key);
    expect(derivationParams(derivation, "zh-CN")).toMatchObject(params);
    expect(derivation.points).toBe(scoreItem(it_, answer));
  });

  it("says a module that was not verified scores nothing", () => {
    const derivation = explainItemScore(item({ kind: "boolean" }), { value: true }, false);
    expect(derivation).toMatchObject({ key: "moduleNotVerified", points: 0 });
    expect(derivationParams(derivation, "en")).toMatchObject({ points: "0.00", max: "2.00" });
  });

  it("writes points with two decimals and the unrounded share with four, in the reader's locale", () => {
    const derivation = explainItemScore(item({ kind: "multi", pointsEach: 0.25 }, 100), { value: ["a"] }, true);
    expect(derivationParams(derivation, "en")).toMatchObject({ points: "0.25", max: "1.00", each: "0.25" });
    const linear = explainItemScore(item({ kind: "linear", lo: 0, hi: 3 }, 100), { value: 1 }, true);
    expect(derivationParams(linear, "zh-CN")).toMatchObject({ exact: "0.3333", points: "0.33" });
  });
});
