import { describe, expect, it } from "vitest";
import { detailRowsOf, inEngineOrder } from "./result-details";
import { computeResults, type RoundInput } from "./round-results";

const framework: RoundInput["framework"] = [
  {
    code: "B",
    maxPoints: 600,
    indicators: [
      {
        code: "B1",
        maxPoints: 400,
        items: [{ code: "B1.1", type: "number", rule: { kind: "linear", lo: 0, hi: 100 }, maxPoints: 400 }],
      },
      {
        code: "B2",
        maxPoints: 200,
        items: [
          { code: "B2.1", type: "boolean", rule: { kind: "boolean" }, maxPoints: 100 },
          { code: "B2.2", type: "url", rule: { kind: "url" }, maxPoints: 100 },
        ],
      },
    ],
  },
  {
    code: "G",
    maxPoints: 100,
    indicators: [
      {
        code: "G1",
        maxPoints: 100,
        items: [{ code: "G1.1", type: "text", rule: { kind: "boolean" }, maxPoints: 100 }],
      },
    ],
  },
];

const { rows, cities } = computeResults({
  roundId: 3,
  framework,
  cities: [
    {
      cityId: 11,
      modules: { B: "verified", G: "returned" },
      items: {
        "B1.1": { submitted: 57.5, inForce: { value: 40 }, notApplicable: false, evidence: ["h1"] },
        "B2.1": { submitted: null, inForce: null, notApplicable: true, evidence: [] },
        "B2.2": {
          submitted: 'https://example.org/a?b="c"',
          inForce: { value: 'https://example.org/a?b="c"', urlJudgement: "partial" },
          notApplicable: false,
          evidence: [],
        },
      },
    },
  ],
});

describe("a city's stored result details", () => {
  it("give back the very rows they were made from, in the engine's order", () => {
    const stored = JSON.parse(cities[0]!.details); // as the engine writes them and the database returns them
    expect(stored).toHaveLength(4 + 3);
    expect(stored[0]).toEqual(["item", "B1.1", 160, 57.5, 40, "verified", false]);
    expect(stored[1]).toEqual(["indicator", "B1", 160, null, null, "verified", false]);
    const ranked = [...cities[0]!.ranked].reverse(); // whatever order they are read in
    expect(ranked.map((r) => r.level)).toEqual(["total", "module", "module"]);
    const back = inEngineOrder(framework, [...ranked, ...detailRowsOf(3, 11, stored)]);
    expect(back.map((r) => `${r.level}:${r.code}`)).toEqual(rows.map((r) => `${r.level}:${r.code}`));
    expect(back).toEqual(rows);
  });

  it("keep a row the framework does not name, last, instead of dropping it", () => {
    const extra = { ...rows[0]!, code: "Z9.9" };
    const ordered = inEngineOrder(framework, [extra, ...rows]);
    expect(ordered.at(-1)).toBe(extra);
    expect(ordered).toHaveLength(rows.length + 1);
  });
});
