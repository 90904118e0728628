import canonicalize from "canonicalize";
import { describe, expect, it } from "vitest";
import {
  cityCanonical,
  computeResults,
  type DigestSinks,
  type ResultRow,
  type RoundInput,
  rankingOf,
} from "./round-results";

/** A result row as the digests have always covered it. */
const digestRow = (r: ResultRow) => ({
  cityId: r.cityId,
  level: r.level,
  code: r.code,
  points: r.points,
  rank: r.rank ?? null,
  notSubmitted: r.notSubmitted,
});

const framework: RoundInput["framework"] = [
  {
    code: "B",
    maxPoints: 600,
    indicators: [
      {
        code: "B1",
        maxPoints: 600,
        items: [
          { code: "B1.1", type: "number", rule: { kind: "linear", lo: 0, hi: 100 }, maxPoints: 400 },
          { code: "B1.2", type: "boolean", rule: { kind: "boolean" }, maxPoints: 200 },
        ],
      },
    ],
  },
  {
    code: "G",
    maxPoints: 400,
    indicators: [
      {
        code: "G1",
        maxPoints: 400,
        items: [{ code: "G1.1", type: "url", rule: { kind: "url" }, maxPoints: 400 }],
      },
    ],
  },
];

const input: RoundInput = {
  roundId: 7,
  framework,
  cities: Array.from({ length: 2500 }, (_, i) => ({
    cityId: i + 1,
    modules: { B: "verified", G: i % 3 ? "verified" : "in_review" },
    items: {
      "B1.1":
        i % 7
          ? { submitted: i % 101, inForce: { value: i % 101 }, notApplicable: false, evidence: [`h${i}`, `a${i}`] }
          : { submitted: null, inForce: null, notApplicable: true, evidence: [] },
      "B1.2": {
        submitted: i % 2 === 0,
        inForce: { value: i % 11 ? i % 2 === 0 : "含“引号”与\\反斜杠 ✓", notApplicable: false },
        notApplicable: false,
        evidence: [],
      },
      "G1.1": {
        submitted: "https://x.example",
        inForce: { value: "https://x.example", urlJudgement: i % 5 ? "ok" : "partial" },
        notApplicable: false,
        evidence: [],
      },
    },
  })),
};

describe("the round's canonical text", () => {
  const { rows, canonical, canonicalChunks } = computeResults(input);

  it("written in pieces is byte for byte the whole-object RFC 8785 text the digests have always covered", () => {
    const values = JSON.parse(canonical).values as unknown[];
    expect(values.length).toBeGreaterThan(2000); // more than one piece of a thousand
    const whole = canonicalize({
      roundId: input.roundId,
      framework: input.framework,
      values,
      results: rows.map(digestRow),
    });
    expect([...canonicalChunks()].join("")).toBe(whole);
    expect(canonical).toBe(whole);
  });

  it("for one city, is the whole-object RFC 8785 text of its part", () => {
    for (const cityId of [1, 2, 8, 12, 1250, 2500]) {
      const own = rows.filter((r) => r.cityId === cityId);
      expect(cityCanonical(input, cityId, rows)).toBe(
        canonicalize({
          roundId: input.roundId,
          framework: input.framework,
          city: input.cities[cityId - 1],
          results: own.map(digestRow),
        }),
      );
    }
  });

  it("written with every city's part in one pass, gives the same texts, whether a city's text begins as it is scored or at the end", () => {
    for (const early of [false, true]) {
      const chunks: string[] = [];
      const cities = new Map<number, string>();
      const sinks: DigestSinks = {
        round: (chunk) => chunks.push(chunk),
        city: (cityId, pieces) => cities.set(cityId, (cities.get(cityId) ?? "") + pieces.join("")),
      };
      computeResults(input, early ? sinks : undefined).writeDigestTexts(sinks);
      expect(chunks.join("")).toBe(canonical);
      expect(cities.size).toBe(input.cities.length);
      for (const cityId of [1, 8, 12, 2500]) expect(cities.get(cityId)).toBe(cityCanonical(input, cityId, rows));
    }
    const begun = computeResults(input, { round: () => {}, city: () => {} });
    expect(() => begun.writeDigestTexts({ round: () => {}, city: () => {} })).toThrow(/other sinks/);
  });

  it("for shapes the server never writes (a hostile bundle), falls back to canonicalize itself", () => {
    const odd = {
      ...input,
      cities: [
        {
          cityId: 1,
          modules: { B: "verified" },
          items: {
            "B1.1": {
              submitted: 5,
              inForce: { value: 5, extra: [1, { b: 2, a: 1 }] },
              notApplicable: false,
              evidence: [],
            },
            "B1.2": { submitted: undefined, inForce: null, notApplicable: false, evidence: ["x"], more: true },
          },
          note: "extra",
        },
      ],
    } as unknown as RoundInput;
    const { rows: oddRows } = computeResults(odd);
    const own = oddRows.filter((r) => r.cityId === 1);
    expect(cityCanonical(odd, 1, oddRows)).toBe(
      canonicalize({
        roundId: odd.roundId,
        framework: odd.framework,
        city: odd.cities[0],
        results: own.map(digestRow),
      }),
    );
  });

  it("ranks from one pass over the rows: a city's total only when it is ranked, its modules always", () => {
    const ranking = rankingOf(rows, [3, 1, 2]);
    expect(ranking.map((r) => r.cityId)).toEqual([1, 2, 3]);
    const total1 = rows.find((r) => r.cityId === 1 && r.level === "total")!;
    expect(ranking[0]).toEqual({
      cityId: 1,
      total: total1.rank != null ? total1.points : null,
      modules: { B: rows.find((r) => r.cityId === 1 && r.level === "module" && r.code === "B")!.points, G: 0 },
    });
  });
});
