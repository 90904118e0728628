import { describe, expect, it } from "vitest";
import type { FrameworkFile } from "@/lib/framework/schema";
import { frameworkImpact, type SourceCity } from "./impact";

/** One module, two items: a fibre share scored linearly 0–100 and a yes/no. */
function framework(
  hi: number,
  extra?: FrameworkFile["modules"][number]["indicators"][number]["items"][number],
): FrameworkFile {
  return {
    year: 2020,
    name: { zh: "x", en: "x" },
    total: extra ? 30 : 20,
    rules: [],
    modules: [
      {
        code: "Q",
        name: { zh: "q", en: "q" },
        points: extra ? 30 : 20,
        indicators: [
          {
            code: "Q1",
            name: { zh: "q1", en: "q1" },
            points: extra ? 30 : 20,
            proposed: false,
            items: [
              {
                code: "Q1.1",
                name: { zh: "光纤", en: "fibre" },
                type: "number",
                unit: { zh: "%", en: "%" },
                required: true,
                rule: { kind: "linear", lo: 0, hi },
                points: 10,
                evidence: { kinds: [], required: false },
              },
              {
                code: "Q1.2",
                name: { zh: "政务云", en: "cloud" },
                type: "boolean",
                required: true,
                rule: { kind: "boolean" },
                points: 10,
                evidence: { kinds: [], required: false },
              },
              ...(extra ? [extra] : []),
            ],
          },
        ],
      },
    ],
  };
}

const sourceItems = new Map([
  ["Q1.1", { answerType: "number", unitZh: "%" }],
  ["Q1.2", { answerType: "boolean", unitZh: null }],
]);
const city = (id: number, fibre: number, cloud: boolean, oldTotal: number, oldRank: number): SourceCity => ({
  id,
  oldTotal,
  oldRank,
  values: new Map<string, { submitted: unknown; verified: unknown }>([
    ["Q1.1", { submitted: fibre, verified: fibre }],
    ["Q1.2", { submitted: cloud, verified: cloud }],
  ]),
});
// Published with hi = 100: A 9 + 0 = 9.00, B 5 + 10 = 15.00, C 4 + 10 = 14.00 (hundredths below).
const cities = [city(1, 90, false, 900, 3), city(2, 50, true, 1500, 1), city(3, 40, true, 1400, 2)];

describe("the impact of a framework change on last round's results", () => {
  it("changes nothing when the framework is the same", () => {
    const impact = frameworkImpact(framework(100), sourceItems, cities);
    expect(impact.cities.map((c) => [c.id, c.newTotal, c.newRank])).toEqual([
      [1, 900, 3],
      [2, 1500, 1],
      [3, 1400, 2],
    ]);
    expect(impact.rho).toBe(1);
    expect(impact.movers).toEqual([]);
    expect(impact.unmapped).toEqual([]);
  });

  it("shows the new totals and ranks under a raised threshold, the movers and rho", () => {
    // hi = 200: fibre counts half as much; B and C keep their cloud, A loses ground.
    const impact = frameworkImpact(framework(200), sourceItems, cities);
    expect(impact.cities.map((c) => [c.id, c.newTotal])).toEqual([
      [1, 450],
      [2, 1250],
      [3, 1200],
    ]);
    expect(impact.rho).toBe(1);
    // hi = 20 saturates fibre for all: B and C tie at the top, C moves up one.
    const saturated = frameworkImpact(framework(20), sourceItems, cities);
    expect(saturated.cities.map((c) => c.newRank)).toEqual([3, 1, 1]);
    expect(saturated.movers.map((m) => [m.id, m.shift])).toEqual([[3, 1]]);
    expect(saturated.rho).toBeLessThan(1);
  });

  it("lists the items that do not map, which score nothing", () => {
    const impact = frameworkImpact(
      framework(100, {
        code: "Q1.3",
        name: { zh: "新", en: "new" },
        type: "number",
        required: true,
        rule: { kind: "linear", lo: 0, hi: 1 },
        points: 10,
        evidence: { kinds: [], required: false },
      }),
      new Map([...sourceItems, ["Q1.1", { answerType: "number", unitZh: "万户" }]]),
      cities,
    );
    expect(impact.unmapped).toEqual([
      { code: "Q1.1", reason: "askedOtherwise" },
      { code: "Q1.3", reason: "new" },
    ]);
    expect(impact.cities.map((c) => c.newTotal)).toEqual([0, 1000, 1000]);
  });
});
