import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_PLAUSIBILITY, modifiedZ, peerFlag, peerFlagsOfGroup, previousFlag } from "./plausibility";

const settings = DEFAULT_PLAUSIBILITY;

describe("plausibility flags", () => {
  it("computes the modified z-score on the median and MAD", () => {
    // median 10, |deviations| 2 1 0 1 2 → MAD 1; x = 20: 0.6745 × 10 / 1
    expect(modifiedZ(20, [8, 9, 10, 11, 12]).z).toBeCloseTo(6.745, 6);
    expect(modifiedZ(10, [8, 9, 10, 11, 12])).toEqual({ z: 0, median: 10 });
    // More than half equal: the mean absolute deviation stands in; all equal: any other value is infinitely far.
    expect(Number.isFinite(modifiedZ(5, [1, 1, 1, 1, 2]).z)).toBe(true);
    expect(modifiedZ(2, [1, 1, 1]).z).toBe(Number.POSITIVE_INFINITY);
  });

  it("finds a known outlier among peers and explains it with the numbers", () => {
    const peers = [12, 14, 15, 15, 16, 17, 18, 13, 16, 15];
    const flag = peerFlag("B1.1", 63, peers, settings);
    expect(flag).toMatchObject({ kind: "peer", itemCode: "B1.1", median: 15, ratio: 4.2, peers: 10, min: 12, max: 18 });
    expect(flag!.z).toBeGreaterThan(settings.zThreshold);
    // Too few peers to compare: no flag.
    expect(peerFlag("B1.1", 63, [12, 14, 15], settings)).toBeNull();
  });

  it("flags none among ordinary values: any value within peers spread evenly over a band", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 5, max: 60 }),
        fc.double({ min: 10, max: 1000, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n, low, width, at) => {
          const span = low * (0.1 + width);
          const peers = Array.from({ length: n }, (_, i) => low + (span * i) / (n - 1));
          return peerFlag("X", low + span * at, peers, settings) === null;
        },
      ),
    );
  });

  it("does not flag an ordinary value where most peers report the same (percentages crowding at 100)", () => {
    const peers = [100, 100, 100, 100, 100, 100, 98, 95];
    expect(peerFlag("P2.1", 96, peers, settings)).toBeNull();
    expect(peerFlag("P2.1", 100, peers, settings)).toBeNull();
    // A value far from them still stands out.
    expect(peerFlag("P2.1", 40, peers, settings)).toMatchObject({ median: 100 });
  });

  it("flags a rise or fall on last round's verified value past the thresholds", () => {
    expect(previousFlag("B4.1", 48, 10, settings)).toEqual({
      kind: "previous",
      itemCode: "B4.1",
      value: 48,
      previous: 10,
      change: 3.8,
    });
    expect(previousFlag("B4.1", 4, 10, settings)).toMatchObject({ change: -0.6 });
    expect(previousFlag("B4.1", 15, 10, settings)).toBeNull();
    expect(previousFlag("B4.1", 5, 0, settings)).toBeNull();
  });
});

describe("peer flags of a whole group", () => {
  it("gives each member exactly the flag of its value against the others", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 2, maxLength: 40 }),
        fc.double({ min: 1, max: 6, noNaN: true }),
        (raw, zThreshold) => {
          const s = { ...DEFAULT_PLAUSIBILITY, zThreshold, minPeers: 1 };
          const members = raw.map((value, id) => ({ id, value }));
          const group = peerFlagsOfGroup("X", members, s);
          return members.every((m) => {
            const alone = peerFlag(
              "X",
              m.value,
              members.filter((o) => o.id !== m.id).map((o) => o.value),
              s,
            );
            const batch = group.get(m.id) ?? null;
            if (alone === null || batch === null) return alone === batch;
            return (
              alone.median === batch.median &&
              alone.min === batch.min &&
              alone.max === batch.max &&
              (alone.z === batch.z || Math.abs(alone.z - batch.z) < 1e-9)
            );
          });
        },
      ),
    );
  });
});
