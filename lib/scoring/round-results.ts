/**
 * A round's results from its inputs, with nothing else: the values in force of every verified module of every
 * city, scored by the one engine, ranked, and laid out as the canonical text whose SHA-256 is the round's
 * digest. The server finalises with it (db/finalise.ts), and a verifier recomputes a verification bundle with
 * it (lib/verify/bundle.ts) — in Node or in a browser, since it needs no database and no Node module.
 */
import canonicalize from "canonicalize";
import type { ScoringRule } from "@/lib/framework/schema";
import { moduleStatus } from "@/lib/workflow/module-status";
import { detailRowsOf, inEngineOrder } from "./result-details";
import type { ResultRow } from "./result-row";
import type { StoredDetail } from "./stored-detail";

export type { ResultRow };

import { type FrameworkShape, type ScorableAnswer, scoreFramework } from "./engine";
import { rank } from "./statistics";

/**
 * The framework as the digest covers it (points in hundredths). Its item fields keep the names the published
 * canonical text and verification bundles have always had (`type`, `rule`); db/results.ts maps an item to it
 * once, and `scorableShape` maps it back for the engine.
 */
export type DigestFramework = {
  code: string;
  maxPoints: number;
  indicators: {
    code: string;
    maxPoints: number;
    items: { code: string; type: string; rule: ScoringRule; maxPoints: number }[];
  }[];
}[];

/** What one item of a verified module contributes: the city's value, the value in force, the evidence. */
export type ItemInput = {
  submitted: unknown;
  inForce: ScorableAnswer | null;
  notApplicable: boolean;
  evidence: string[];
};

export type CityInput = {
  cityId: number;
  /** each module's review status; only "verified" modules are scored */
  modules: Record<string, string>;
  /** the items of verified modules, by code */
  items: Record<string, ItemInput>;
};

export type RoundInput = { roundId: number; framework: DigestFramework; cities: CityInput[] };

/** The value a result row shows as verified: a reviewer's judgement of a link, or the value in force. */
export function verifiedValueOf(inForce: ScorableAnswer | null): unknown {
  return inForce?.urlJudgement ?? inForce?.value ?? null;
}

function scorableShape(framework: DigestFramework): FrameworkShape {
  return framework.map((m) => ({
    ...m,
    indicators: m.indicators.map((i) => ({
      ...i,
      items: i.items.map((x) => ({ code: x.code, scoringRule: x.rule, maxPoints: x.maxPoints })),
    })),
  }));
}

/**
 * One city's results as finalising writes them: its total and modules as rows (ranked once every city is
 * scored), its indicators and items as the JSON text of their stored array (stored-detail.ts), and the RFC 8785
 * text of the rows before each ranked row. A national round has 160,000 items: made as text at once, they do not
 * stay in memory as objects.
 */
export type CityResults = {
  cityId: number;
  /** each module, then the total */
  ranked: ResultRow[];
  details: string;
  /** per ranked row, the texts of the indicator and item rows just before it, joined by commas ("" for none) */
  segments: string[];
};

/**
 * Results of every city (cities in the order given), ranks among the cities that took part, and the canonical
 * text. The cities are taken once, in turn: a server can read them a batch at a time (db/results.ts) and let each
 * go once its results and texts are made. `rows` gives every row, made from the cities' results when asked for.
 * With `sinks`, each city's own text begins there as the city is scored (its input comes first in it) rather than
 * being kept until `writeDigestTexts`, which must then be given the same sinks.
 */
export function computeResults(
  input: Omit<RoundInput, "cities"> & { cities: Iterable<CityInput> },
  sinks?: DigestSinks,
): {
  cities: CityResults[];
  readonly rows: ResultRow[];
  cityIds: number[];
  canonicalChunks: () => Generator<string>;
  readonly canonical: string;
  writeDigestTexts: (sinks: DigestSinks) => void;
} {
  const { roundId, framework } = input;
  const cities: CityResults[] = [];
  // Each city's input as RFC 8785 text (the part of its own digest that is its data), by id: the last of a
  // repeated id, as `cityCanonical` reads an input. Kept only when there are no sinks to write it to at once.
  const cityTexts = new Map<number, string>();
  const frameworkText = sinks ? canon(framework) : "";
  const scorable = scorableShape(framework);
  // Codes as JSON strings, quoted once for the round rather than in each of its cities' texts.
  const quotedCodes = new Map<string, string>();
  const quoted = (code: string) => {
    let text = quotedCodes.get(code);
    if (text === undefined) quotedCodes.set(code, (text = JSON.stringify(code)));
    return text;
  };
  // Each city's input values as RFC 8785 text, its values joined by commas ("" for none): what the digests
  // cover, kept as one string per city rather than an object per item.
  const valueTexts: string[] = [];
  const totals: {
    total: number;
    modules: Record<string, number>;
    rows: { total: ResultRow; modules: Record<string, ResultRow> };
  }[] = [];
  for (const city of input.cities) {
    const { cityId } = city;
    const effective: Record<string, ScorableAnswer | undefined> = {};
    const statusOf = (code: string) => city.modules[code] ?? moduleStatus(null); // a module the city never started
    const ownValues: string[] = [];
    // The texts of each verified item's submitted and verified value, made once for its value and its detail.
    const valueTextsOf = new Map<string, [submitted: string, verified: string]>();
    const evidenceTextOf = new Map<string, string>();
    for (const mod of framework) {
      if (statusOf(mod.code) !== "verified") continue; // not submitted (or not verified): every item scores 0
      for (const ind of mod.indicators) {
        for (const item of ind.items) {
          const entered = city.items[item.code];
          effective[item.code] = entered?.inForce ?? undefined;
          const texts: [string, string] = [
            canonValue(entered?.submitted ?? null),
            canonValue(verifiedValueOf(entered?.inForce ?? null)),
          ];
          valueTextsOf.set(item.code, texts);
          // An input value's RFC 8785 text, keys in code-unit order (cityId, evidence, itemCode, notApplicable,
          // submitted, verified).
          const evidence = entered?.evidence ?? [];
          const unsortable = Array.isArray(evidence) && evidence.length < 2;
          const evidenceText = canonValue(unsortable ? evidence : [...evidence].sort());
          // The city's own text writes its evidence as given: the same text when there is nothing to sort.
          if (unsortable) evidenceTextOf.set(item.code, evidenceText);
          ownValues.push(
            `{"cityId":${cityId},"evidence":${evidenceText},"itemCode":${quoted(item.code)},"notApplicable":${!!entered?.notApplicable},"submitted":${texts[0]},"verified":${texts[1]}}`,
          );
        }
      }
    }
    valueTexts.push(ownValues.join(","));
    const inputText = cityInputText(city, { submitted: valueTextsOf, evidence: evidenceTextOf });
    if (sinks) sinks.city(cityId, [`{"city":${inputText},"framework":`, frameworkText]);
    else cityTexts.set(cityId, inputText);
    const card = scoreFramework(scorable, effective);
    const moduleRows: Record<string, ResultRow> = {};
    const ranked: ResultRow[] = [];
    // The JSON text of the city's stored details (stored-detail.ts), written by hand from the texts above.
    const details: string[] = [];
    const segments: string[] = [];
    let segment: string[] = [];
    for (const mod of framework) {
      const status = statusOf(mod.code);
      const notSubmitted = status !== "verified";
      const statusText = JSON.stringify(status);
      for (const ind of mod.indicators) {
        for (const item of ind.items) {
          const points = card.items[item.code] ?? 0;
          const [submitted, verified] = (!notSubmitted && valueTextsOf.get(item.code)) || NO_VALUES;
          details.push(
            `["item",${quoted(item.code)},${points},${submitted},${verified},${statusText},${notSubmitted}]`,
          );
          segment.push(unrankedRowText(cityId, quoted(item.code), "item", notSubmitted, points));
        }
        const points = card.indicators[ind.code] ?? 0;
        details.push(`["indicator",${quoted(ind.code)},${jsonNumber(points)},null,null,${statusText},${notSubmitted}]`);
        segment.push(unrankedRowText(cityId, quoted(ind.code), "indicator", notSubmitted, points));
      }
      const moduleRow: ResultRow = {
        roundId,
        cityId,
        level: "module",
        code: mod.code,
        points: card.modules[mod.code] ?? 0,
        reviewStatus: status,
        notSubmitted,
      };
      moduleRows[mod.code] = moduleRow;
      ranked.push(moduleRow);
      segments.push(segment.join(","));
      segment = [];
    }
    const anyMissing = framework.some((m) => statusOf(m.code) !== "verified");
    // A city that submitted no module at all took no part: listed as such, without a rank.
    const absent = framework.every((m) => statusOf(m.code) !== "verified");
    const totalRow: ResultRow = {
      roundId,
      cityId,
      level: "total",
      code: "",
      points: card.total,
      reviewStatus: absent ? "absent" : anyMissing ? "incomplete" : "verified",
      notSubmitted: anyMissing,
    };
    ranked.push(totalRow);
    segments.push("");
    cities.push({ cityId, ranked, details: `[${details.join(",")}]`, segments });
    if (!absent)
      totals.push({ total: card.total, modules: card.modules, rows: { total: totalRow, modules: moduleRows } });
  }
  // Ranks of totals and of each module among the cities that took part, ties sharing a rank.
  for (const [entry, position] of rank(totals, (t) => t.total)) entry.rows.total.rank = position;
  for (const mod of framework) {
    for (const [entry, position] of rank(totals, (t) => t.modules[mod.code] ?? 0))
      entry.rows.modules[mod.code]!.rank = position;
  }
  let rows: ResultRow[] | undefined;
  const cityIds = cities.map((c) => c.cityId);
  return {
    cities,
    get rows() {
      rows ??= cities.flatMap((c) =>
        inEngineOrder(framework, [
          ...detailRowsOf(roundId, c.cityId, JSON.parse(c.details) as StoredDetail[]),
          ...c.ranked,
        ]),
      );
      return rows;
    },
    cityIds,
    canonicalChunks: () => roundCanonicalChunks(roundId, framework, valueTexts, cities),
    get canonical() {
      return [...roundCanonicalChunks(roundId, framework, valueTexts, cities)].join("");
    },
    writeDigestTexts: (to: DigestSinks) => {
      if (sinks && to !== sinks) throw new Error("the cities' texts began in other sinks");
      writeDigestTexts({ roundId, framework, cityTexts: sinks ? null : cityTexts, valueTexts }, cities, to);
    },
  };
}

/** The RFC 8785 text of a city's rows: each ranked row after the rows before it. */
function cityRowsText(city: CityResults): string {
  const parts: string[] = [];
  city.ranked.forEach((row, i) => {
    if (city.segments[i]) parts.push(city.segments[i]!);
    parts.push(rowText(row));
  });
  return parts.join(",");
}

/**
 * Where the digest texts are written: the round's canonical text piece by piece, and each city's in a few pieces,
 * in order (in one call, or begun while the city is scored and ended by `writeDigestTexts`).
 */
export type DigestSinks = { round: (chunk: string) => void; city: (cityId: number, pieces: string[]) => void };

/**
 * The round's canonical text and every city's, in one pass: a city's result rows are contiguous (they are made
 * city by city), so each row's text is written once and goes into both. Byte for byte what `canonical` and
 * `cityCanonical` give (tested); the server hashes both as they come, which a national round needs.
 */
function writeDigestTexts(
  texts: {
    roundId: number;
    framework: DigestFramework;
    /** null when each city's text was begun in the sinks already */
    cityTexts: Map<number, string> | null;
    valueTexts: string[];
  },
  cities: CityResults[],
  sinks: DigestSinks,
): void {
  const framework = canon(texts.framework);
  const roundId = canon(texts.roundId);
  sinks.round(`{"framework":${framework},"results":[`);
  cities.forEach((city, i) => {
    const rowTexts = cityRowsText(city);
    sinks.round(i ? `,${rowTexts}` : rowTexts);
    // In pieces: the framework's text is the same for every city, and thousands of copies of it add up.
    const end = `,"results":[${rowTexts}],"roundId":${roundId}}`;
    sinks.city(
      city.cityId,
      texts.cityTexts ? [`{"city":${texts.cityTexts.get(city.cityId) ?? "null"},"framework":`, framework, end] : [end],
    );
  });
  sinks.round(`],"roundId":${roundId},"values":`);
  for (const chunk of joinedArray(texts.valueTexts)) sinks.round(chunk);
  sinks.round("}");
}

const canon = (value: unknown) => canonicalize(value) ?? "null";

/**
 * RFC 8785 text of a JSON value, fast for what answers are (a number, a boolean, a string, a list of strings):
 * for those, JCS is exactly ECMAScript's JSON.stringify. Anything else goes through `canonicalize`.
 */
function canonValue(value: unknown): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "number": // a finite number's JSON text is its ECMAScript string, which is what RFC 8785 asks for
      if (Number.isFinite(value)) return String(value);
      break;
    case "object":
      if (value === null) return "null";
      if (Array.isArray(value)) {
        // A list of strings (evidence, a multiple choice) is its JSON text; anything else goes the long way.
        let text = "[";
        for (let i = 0; i < value.length; i++) {
          const element: unknown = value[i];
          if (typeof element !== "string") return canon(value);
          text += i ? `,${JSON.stringify(element)}` : JSON.stringify(element);
        }
        return `${text}]`;
      }
  }
  return canon(value);
}

/** A result row's RFC 8785 text: its keys written in code-unit order (cityId, code, level, notSubmitted, points, rank). */
function rowText(r: ResultRow): string {
  return `{"cityId":${r.cityId},"code":${JSON.stringify(r.code)},"level":"${r.level}","notSubmitted":${r.notSubmitted},"points":${r.points},"rank":${r.rank ?? null}}`;
}

/** `rowText` of an indicator or item row, which has no rank, without making the row; its code already quoted. */
function unrankedRowText(cityId: number, code: string, level: string, notSubmitted: boolean, points: number): string {
  return `{"cityId":${cityId},"code":${code},"level":"${level}","notSubmitted":${notSubmitted},"points":${points},"rank":null}`;
}

const NO_VALUES: [string, string] = ["null", "null"];

/** A number as JSON writes it: a rule a bundle made up can score NaN, which JSON has no word for. */
function jsonNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : "null";
}

/**
 * Whether an object has no keys but these (all of them when `all`) and no undefined value: the shapes the fast
 * paths below write by hand. Anything else (a hostile bundle, say) goes through `canonicalize`.
 */
function hasOnly(value: unknown, keys: string[], all = false): boolean {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  let count = 0;
  // for…in, not Object.keys: called for every item of a national round, it allocates nothing.
  for (const key in record) {
    if (!Object.hasOwn(record, key)) return false;
    if (!keys.includes(key) || record[key] === undefined) return false;
    count++;
  }
  return !all || count === keys.length;
}

/** A value in force's RFC 8785 text: keys in code-unit order (notApplicable, urlJudgement, value), absent ones left out. */
function answerText(answer: ScorableAnswer): string {
  if (!hasOnly(answer, ["notApplicable", "urlJudgement", "value"])) return canon(answer);
  let text = "";
  if (answer.notApplicable !== undefined) text += `,"notApplicable":${canonValue(answer.notApplicable)}`;
  if (answer.urlJudgement !== undefined) text += `,"urlJudgement":${canonValue(answer.urlJudgement)}`;
  if (answer.value !== undefined) text += `,"value":${canonValue(answer.value)}`;
  return `{${text.slice(1)}}`;
}

/** An item input's RFC 8785 text (evidence, inForce, notApplicable, submitted); an unusual shape goes the long way. */
function itemInputText(input: ItemInput, known?: { submitted?: string; evidence?: string }): string {
  if (!hasOnly(input, ["evidence", "inForce", "notApplicable", "submitted"], true) || !Array.isArray(input.evidence))
    return canon(input);
  const inForce = input.inForce === null ? "null" : answerText(input.inForce);
  return `{"evidence":${known?.evidence ?? canonValue(input.evidence)},"inForce":${inForce},"notApplicable":${canonValue(input.notApplicable)},"submitted":${known?.submitted ?? canonValue(input.submitted)}}`;
}

/**
 * Texts of a city's item inputs already written for its values, by item code, used again in its own text: the
 * submitted value's, and the evidence list's when there was nothing to sort.
 */
type KnownTexts = { submitted: Map<string, [submitted: string, verified: string]>; evidence: Map<string, string> };

/** A city input's RFC 8785 text (cityId, items by code, modules by code, each sorted by code unit). */
function cityText(city: CityInput, known?: KnownTexts): string {
  const entries = (record: Record<string, unknown>, text: (value: never, key: string) => string) =>
    Object.keys(record)
      .sort()
      .filter((key) => record[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${text(record[key] as never, key)}`)
      .join(",");
  const itemText = (input: ItemInput, code: string) =>
    itemInputText(input, known && { submitted: known.submitted.get(code)?.[0], evidence: known.evidence.get(code) });
  return `{"cityId":${canonValue(city.cityId)},"items":{${entries(city.items, itemText)}},"modules":{${entries(city.modules, canonValue)}}}`;
}

/** The text of one array made of runs of element texts (each already joined by commas; empty runs add nothing). */
function* joinedArray(runs: string[]): Generator<string> {
  yield "[";
  let first = true;
  for (const run of runs) {
    if (!run) continue;
    yield first ? run : `,${run}`;
    first = false;
  }
  yield "]";
}

/**
 * The canonical text of the round, `canonicalize({ roundId, framework, values, results })`, written in pieces so
 * that the server hashes it as it goes instead of holding one string of many megabytes. RFC 8785 orders an
 * object's keys by code unit: framework, results, roundId, values (tested against the whole-object form).
 */
function* roundCanonicalChunks(
  roundId: number,
  framework: DigestFramework,
  valueTexts: string[],
  cities: CityResults[],
): Generator<string> {
  yield `{"framework":${canon(framework)},"results":`;
  yield* joinedArray(cities.map(cityRowsText));
  yield `,"roundId":${canon(roundId)},"values":`;
  yield* joinedArray(valueTexts);
  yield "}";
}

/**
 * The canonical text of one city's part of a round — the framework, the city's inputs and its result rows with
 * ranks — whose SHA-256 the finalisation signs per city, so that a city can check its own scores and rank from
 * its own bundle without seeing any other city's data.
 */
export function cityCanonical(input: RoundInput, cityId: number, rows: ResultRow[]): string {
  const own = rows.filter((r) => r.cityId === cityId).map(rowText);
  // canonicalize({ roundId, framework, city, results }): keys in code-unit order city, framework, results, roundId.
  const city = input.cities.findLast((c) => c.cityId === cityId); // the last of a repeated id
  return `{"city":${city ? cityInputText(city) : "null"},"framework":${canon(input.framework)},"results":[${own.join(",")}],"roundId":${canon(input.roundId)}}`;
}

/** A city input's text; an unusual shape goes the long way. */
function cityInputText(city: CityInput, known?: KnownTexts): string {
  const record = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v);
  return hasOnly(city, ["cityId", "items", "modules"], true) &&
    typeof city.cityId === "number" &&
    record(city.items) &&
    record(city.modules)
    ? cityText(city, known)
    : canon(city);
}

/** A participating city as the report names and groups it. */
export type Participant = { id: number; code: string; nameZh: string; nameEn: string; region: string; tier: string };

/** The canonical text of the participants (by id), signed so that a verified ranking names the right cities. */
export function participantsCanonical(participants: Participant[]): string {
  const rows = [...participants]
    .sort((a, b) => a.id - b.id)
    .map((c) => ({ id: c.id, code: c.code, nameZh: c.nameZh, nameEn: c.nameEn, region: c.region, tier: c.tier }));
  return canonicalize(rows) ?? "";
}

export type RankingEntry = { cityId: number; total: number | null; modules: Record<string, number> };

/** Every city's published points (total only when ranked), in city order: what a city's ranks are checked against. */
export function rankingOf(
  rows: Pick<ResultRow, "cityId" | "level" | "code" | "points" | "rank">[],
  cityIds: number[],
): RankingEntry[] {
  // One pass over the rows (a national round's, when every row is asked for, are a quarter of a million).
  const totals = new Map<number, Pick<ResultRow, "points" | "rank">>();
  const modules = new Map<number, Record<string, number>>();
  for (const r of rows) {
    if (r.level === "total") totals.set(r.cityId, r);
    else if (r.level === "module") {
      let own = modules.get(r.cityId);
      if (!own) modules.set(r.cityId, (own = {}));
      own[r.code] = r.points;
    }
  }
  return [...cityIds]
    .sort((a, b) => a - b)
    .map((cityId) => {
      const total = totals.get(cityId);
      return { cityId, total: total && total.rank != null ? total.points : null, modules: modules.get(cityId) ?? {} };
    });
}

export function rankingCanonical(ranking: RankingEntry[]): string {
  return canonicalize(ranking) ?? "";
}
