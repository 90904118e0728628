import { describe, expect, it } from "vitest";
import { robustness, spearman } from "./robustness";

/** Cities with two modules; published ranks by the plain total. */
function input(modules: number[][], indicators?: number[][]) {
  const totals = modules.map((m) => m.reduce((a, b) => a + b, 0));
  const ranks = totals.map((t) => 1 + totals.filter((o) => o > t).length);
  return {
    cities: modules.map((m, i) => ({ id: i + 1, rank: ranks[i]!, modules: m, indicators: indicators?.[i] ?? m })),
    indicatorCodes: ["A1", "B1"],
  };
}

describe("method robustness", () => {
  it("computes Spearman's rho", () => {
    expect(spearman([1, 2, 3, 4], [1, 2, 3, 4])).toBe(1);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBe(-1);
    expect(spearman([1, 2, 3, 4, 5], [2, 1, 3, 4, 5])).toBeCloseTo(0.9, 10);
  });

  it("keeps far-apart cities at their rank, and gives close ones an interval", () => {
    // City 1 far ahead; cities 2 and 3 tie in total but differ by module, so weights decide between them.
    const report = robustness(
      input([
        [9000, 9000],
        [5000, 3000],
        [3000, 5000],
        [1000, 1000],
      ]),
      {
        draws: 2000,
        spread: 0.2,
        seed: 7,
      },
    );
    const of = (id: number) => report.cities.find((c) => c.id === id)!;
    expect(of(1)).toMatchObject({ rank: 1, low: 1, high: 1, width: 0 });
    expect(of(4)).toMatchObject({ low: 4, high: 4 });
    expect([of(2).low, of(2).high]).toEqual([2, 3]);
    expect(report.rho.mean).toBeGreaterThan(0.8);
    expect(report.rho.min).toBeLessThanOrEqual(report.rho.mean);
  });

  it("is the same for the same seed, and reports each indicator's removal", () => {
    const data = input(
      [
        [6000, 2000],
        [4000, 3500],
        [2000, 1000],
      ],
      [
        [6000, 2000],
        [4000, 3500],
        [2000, 1000],
      ],
    );
    const a = robustness(data, { draws: 500, spread: 0.2, seed: 1 });
    expect(robustness(data, { draws: 500, spread: 0.2, seed: 1 })).toEqual(a);
    // Without A1 the second city leads: the ranking turns over at the top.
    expect(a.withoutIndicator.find((w) => w.code === "A1")).toMatchObject({ maxShift: 1 });
    expect(a.withoutIndicator.find((w) => w.code === "B1")).toMatchObject({ rho: 1, maxShift: 0 });
  });

  it("leaves out cities that were not ranked", () => {
    const data = input([
      [5000, 5000],
      [1000, 1000],
    ]);
    data.cities[1]!.rank = null as never;
    expect(robustness(data, { draws: 10, spread: 0.2, seed: 1 }).cities.map((c) => c.id)).toEqual([1]);
  });
});
