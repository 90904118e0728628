import { describe, expect, it } from "vitest";
import {
  groupMeans,
  mean,
  median,
  rank,
  shareBetween,
  standardDeviation,
  tenPointBands,
  tiersByGaps,
} from "./statistics";

describe("summary statistics (hand-computed)", () => {
  const totals = [45, 52.5, 58, 61, 67.5, 72];
  it("mean, median, population standard deviation", () => {
    expect(mean(totals)).toBeCloseTo(356 / 6, 10);
    expect(median(totals)).toBe((58 + 61) / 2);
    expect(median([3, 1, 2])).toBe(2);
    // deviations from 59.333…: squared, they sum to 483.8333…
    expect(standardDeviation(totals)).toBeCloseTo(Math.sqrt(483.83333333 / 6), 6);
    expect([mean([]), median([]), standardDeviation([])]).toEqual([0, 0, 0]);
  });

  it("10-point bands, the top one closed, and the share in [50, 70)", () => {
    const bands = tenPointBands([0, 999, 1000, 4999, 5000, 6999, 7000, 10000]); // hundredths
    expect(bands.map((b) => b.count)).toEqual([2, 1, 0, 0, 1, 1, 1, 1, 0, 1]);
    expect(bands[5]).toEqual({ from: 5000, to: 6000, count: 1, share: 1 / 8 });
    expect(tenPointBands([9550], 9550).at(-1)).toEqual({ from: 9000, to: 9550, count: 1, share: 1 });
    expect(shareBetween(totals, 50, 70)).toBeCloseTo(4 / 6, 10);
  });
});

describe("rank", () => {
  it("gives ties the same rank and skips the next ones", () => {
    const entries = [
      { c: "a", t: 60 },
      { c: "b", t: 70 },
      { c: "c", t: 60 },
      { c: "d", t: 50 },
      { c: "e", t: 70 },
    ];
    const ranks = rank(entries, (e) => e.t);
    expect(entries.map((e) => [e.c, ranks.get(e)])).toEqual([
      ["a", 3],
      ["b", 1],
      ["c", 3],
      ["d", 5],
      ["e", 1],
    ]);
  });
});

describe("region means and tiers", () => {
  it("orders group means and cuts tiers at the widest gaps", () => {
    const cities = [
      { region: "east", t: 64 },
      { region: "east", t: 62 },
      { region: "south", t: 58 },
      { region: "southwest", t: 57.5 },
      { region: "central", t: 54 },
      { region: "north", t: 53.6 },
      { region: "northwest", t: 50 },
      { region: "northeast", t: 49.5 },
    ];
    const means = groupMeans(
      cities,
      (c) => c.region,
      (c) => c.t,
    );
    expect(means.map((m) => [m.key, m.mean, m.count])).toEqual([
      ["east", 63, 2],
      ["south", 58, 1],
      ["southwest", 57.5, 1],
      ["central", 54, 1],
      ["north", 53.6, 1],
      ["northwest", 50, 1],
      ["northeast", 49.5, 1],
    ]);
    expect(tiersByGaps(means, 4).map((tier) => tier.map((m) => m.key))).toEqual([
      ["east"],
      ["south", "southwest"],
      ["central", "north"],
      ["northwest", "northeast"],
    ]);
    expect(tiersByGaps(means.slice(0, 2), 4).map((t) => t.length)).toEqual([1, 1]);
    expect(tiersByGaps([], 4)).toEqual([]);
  });
});

describe("tiersByGaps with equal means", () => {
  it("never separates entries with equal means", () => {
    const regions = [
      { key: "a", mean: 60 },
      { key: "b", mean: 55 },
      { key: "c", mean: 55 },
      { key: "d", mean: 50 },
    ];
    expect(tiersByGaps(regions, 4).map((tier) => tier.map((r) => r.key))).toEqual([["a"], ["b", "c"], ["d"]]);
  });
});
