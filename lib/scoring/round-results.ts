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
  const texts = textParts(framework, quoted);
  const totals: {
    total: number;
    modules: Record<string, number>;
    rows: { total: ResultRow; modules: Record<string, ResultRow> };
  }[] = [];
  // A national round writes about 100 MB of text: each city's texts are made as lists of pieces joined once
  // (one copy) rather than as strings added up item by item (a copy and a few objects more per item).
  for (const city of input.cities) {
    const { cityId } = city;
    const effective: Record<string, ScorableAnswer | undefined> = {};
    const statusOf = (code: string) => city.modules[code] ?? moduleStatus(null); // a module the city never started
    // What each verified item's texts are made of, by the item's place in the framework: written once for its
    // value, the city's own text and its stored detail.
    const entered: (ItemInput | undefined)[] = [];
    const submittedTexts: string[] = [];
    const verifiedTexts: string[] = [];
    const evidenceTexts: (string | undefined)[] = [];
    const inForceValueTexts: (string | undefined)[] = [];
    const values: (string | number)[] = [];
    const valueHead = `{"cityId":${cityId},"evidence":`;
    const nextValueHead = `},${valueHead}`; // the end of the value before, and the start of the next
    let place = -1;
    for (const mod of framework) {
      if (statusOf(mod.code) !== "verified") {
        place += mod.indicators.reduce((n, i) => n + i.items.length, 0);
        continue; // not submitted (or not verified): every item scores 0
      }
      for (const ind of mod.indicators) {
        for (const item of ind.items) {
          place++;
          const input = city.items[item.code];
          const inForce = input?.inForce ?? null;
          effective[item.code] = inForce ?? undefined;
          const submitted = input?.submitted ?? null;
          const submittedText = canonValue(submitted);
          const verified = verifiedValueOf(inForce);
          // A value the reviewers left as it was is the same value: its text is written once.
          const verifiedText = verified === submitted ? submittedText : canonValue(verified);
          // The digests write evidence sorted in the round's values and as given in the city's own text: one text
          // when it is sorted already (as read from the database).
          const evidence = input?.evidence ?? [];
          const sorted = isSortedStrings(evidence);
          const evidenceText = canonValue(sorted ? evidence : [...evidence].sort());
          // An input value's RFC 8785 text, keys in code-unit order (cityId, evidence, itemCode, notApplicable,
          // submitted, verified).
          values.push(values.length ? nextValueHead : valueHead, evidenceText);
          values.push(texts.valueMiddle(place, !!input?.notApplicable), submittedText, ',"verified":', verifiedText);
          submittedTexts[place] = submittedText;
          verifiedTexts[place] = verifiedText;
          // The city's own text takes the items it has (not inherited ones), by place.
          if (input !== undefined && Object.hasOwn(city.items, item.code)) {
            entered[place] = input;
            evidenceTexts[place] = sorted ? evidenceText : undefined;
            inForceValueTexts[place] =
              inForce?.value === verified ? verifiedText : inForce?.value === submitted ? submittedText : undefined;
          }
        }
      }
    }
    if (values.length) values.push("}");
    valueTexts.push(values.join(""));
    const inputText = isPlainCity(city)
      ? cityTextFrom(city, texts, { entered, submittedTexts, evidenceTexts, inForceValueTexts })
      : null;
    const cityText = inputText ?? cityInputText(city);
    if (sinks) sinks.city(cityId, ['{"city":', cityText, ',"framework":', frameworkText]);
    else cityTexts.set(cityId, cityText);
    const card = scoreFramework(scorable, effective);
    const moduleRows: Record<string, ResultRow> = {};
    const ranked: ResultRow[] = [];
    // The JSON text of the city's stored details (stored-detail.ts), and the texts of its unranked rows.
    const details: (string | number)[] = ["["];
    const segments: string[] = [];
    const rowHead = `{"cityId":${cityId},"code":`;
    place = -1;
    let indicatorPlace = -1;
    for (const mod of framework) {
      const status = statusOf(mod.code);
      const notSubmitted = status !== "verified";
      const detailTail = `,${JSON.stringify(status)},${notSubmitted}]`;
      const segment: (string | number)[] = [];
      for (const ind of mod.indicators) {
        for (const item of ind.items) {
          place++;
          const points = card.items[item.code] ?? 0;
          if (details.length > 1) details.push(",");
          details.push(texts.itemDetailHead(place), points, ",");
          if (notSubmitted) details.push("null,null");
          else details.push(submittedTexts[place]!, ",", verifiedTexts[place]!);
          details.push(detailTail);
          if (segment.length) segment.push(",");
          segment.push(rowHead, texts.itemRowMiddle(place, notSubmitted), points, ',"rank":null}');
        }
        indicatorPlace++;
        const points = card.indicators[ind.code] ?? 0;
        if (details.length > 1) details.push(",");
        details.push(texts.indicatorDetailHead(indicatorPlace), jsonNumber(points), ",null,null", detailTail);
        if (segment.length) segment.push(",");
        segment.push(rowHead, texts.indicatorRowMiddle(indicatorPlace, notSubmitted), points, ',"rank":null}');
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
      segments.push(segment.join(""));
    }
    details.push("]");
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
    cities.push({ cityId, ranked, details: details.join(""), segments });
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

/**
 * The pieces of a round's texts that are the same for every city, by an item's (or indicator's) place in the
 * framework: made once per round instead of once per city.
 */
function textParts(framework: DigestFramework, quoted: (code: string) => string) {
  const items = framework.flatMap((m) => m.indicators.flatMap((i) => i.items));
  const indicators = framework.flatMap((m) => m.indicators);
  const codes = items.map((x) => x.code);
  const byCode = (a: number, b: number) => (codes[a]! < codes[b]! ? -1 : codes[a]! > codes[b]! ? 1 : 0);
  // Each text piece with a flag false, then true.
  const twoWays = <T>(list: T[], text: (x: T, flag: boolean) => string) =>
    list.flatMap((x) => [text(x, false), text(x, true)]);
  const valueMiddles = twoWays(items, (x, na) => `,"itemCode":${quoted(x.code)},"notApplicable":${na},"submitted":`);
  const itemRowMiddles = twoWays(items, (x, ns) => `${quoted(x.code)},"level":"item","notSubmitted":${ns},"points":`);
  const indicatorRowMiddles = twoWays(
    indicators,
    (x, ns) => `${quoted(x.code)},"level":"indicator","notSubmitted":${ns},"points":`,
  );
  const itemDetailHeads = items.map((x) => `["item",${quoted(x.code)},`);
  const indicatorDetailHeads = indicators.map((x) => `["indicator",${quoted(x.code)},`);
  const itemKeys = items.map((x) => `${quoted(x.code)}:`);
  return {
    /** the items' places in code-unit order of their codes, as a city text keys them; none when codes repeat */
    order: new Set(codes).size === codes.length ? codes.map((_, place) => place).sort(byCode) : null,
    itemKey: (place: number) => itemKeys[place]!,
    valueMiddle: (place: number, notApplicable: boolean) => valueMiddles[2 * place + (notApplicable ? 1 : 0)]!,
    itemRowMiddle: (place: number, notSubmitted: boolean) => itemRowMiddles[2 * place + (notSubmitted ? 1 : 0)]!,
    indicatorRowMiddle: (place: number, notSubmitted: boolean) =>
      indicatorRowMiddles[2 * place + (notSubmitted ? 1 : 0)]!,
    itemDetailHead: (place: number) => itemDetailHeads[place]!,
    indicatorDetailHead: (place: number) => indicatorDetailHeads[place]!,
  };
}

/**
 * A city input's text made from the texts of its items' parts already written for its values (by place), or
 * null when it has items those do not cover (an item of a module not verified, or one the framework does not
 * name) or the framework repeats a code: its text is then written the long way.
 */
function cityTextFrom(
  city: CityInput,
  texts: ReturnType<typeof textParts>,
  own: {
    entered: (ItemInput | undefined)[];
    submittedTexts: string[];
    evidenceTexts: (string | undefined)[];
    inForceValueTexts: (string | undefined)[];
  },
): string | null {
  if (!texts.order) return null;
  const parts: string[] = ['{"cityId":', canonValue(city.cityId), ',"items":{'];
  let count = 0;
  for (const place of texts.order) {
    const input = own.entered[place];
    if (input === undefined) continue;
    if (count++) parts.push(",");
    parts.push(texts.itemKey(place));
    pushItemInputText(parts, input, own.submittedTexts[place], own.evidenceTexts[place], own.inForceValueTexts[place]);
  }
  if (count !== definedKeyCount(city.items)) return null;
  parts.push('},"modules":{', entriesText(city.modules, canonValue), "}}");
  return parts.join("");
}

/** The RFC 8785 text of a city's rows: each ranked row after the rows before it. */
function cityRowsText(city: CityResults): string {
  const parts: string[] = [];
  city.ranked.forEach((row, i) => {
    if (i) parts.push(",");
    if (city.segments[i]) parts.push(city.segments[i]!, ",");
    parts.push(rowText(row));
  });
  return parts.join("");
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
    // Joined once: hashing a piece costs a call, and a city's rows are two dozen pieces.
    const rows = cityRowsText(city);
    if (i) sinks.round(",");
    sinks.round(rows);
    // In pieces: the framework's text is the same for every city, and thousands of copies of it add up; so do
    // copies of a city's texts with a few characters added.
    const end = [',"results":[', rows, `],"roundId":${roundId}}`];
    const cityText = texts.cityTexts?.get(city.cityId) ?? "null";
    sinks.city(city.cityId, texts.cityTexts ? ['{"city":', cityText, ',"framework":', framework, ...end] : end);
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
        for (let i = 0; i < value.length; i++) if (typeof value[i] !== "string") return canon(value);
        return JSON.stringify(value);
      }
  }
  return canon(value);
}

/** A result row's RFC 8785 text: its keys written in code-unit order (cityId, code, level, notSubmitted, points, rank). */
function rowText(r: ResultRow): string {
  return `{"cityId":${r.cityId},"code":${JSON.stringify(r.code)},"level":"${r.level}","notSubmitted":${r.notSubmitted},"points":${r.points},"rank":${r.rank ?? null}}`;
}

/** Whether a value is a list of strings in code-unit order, as `Array.prototype.sort` leaves one. */
function isSortedStrings(value: unknown): value is string[] {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) {
    const element: unknown = value[i];
    if (typeof element !== "string" || (i > 0 && (value[i - 1] as string) > element)) return false;
  }
  return true;
}

/** How many own keys of a record have a value (`Object.keys` less the undefined ones), allocating nothing. */
function definedKeyCount(record: Record<string, unknown>): number {
  let count = 0;
  for (const key in record) if (Object.hasOwn(record, key) && record[key] !== undefined) count++;
  return count;
}

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

/**
 * Adds a value in force's RFC 8785 text to `parts`: keys in code-unit order (notApplicable, urlJudgement, value),
 * absent ones left out; `valueText`, when given, is its value's text already written.
 */
function pushAnswerText(parts: string[], answer: ScorableAnswer, valueText?: string): void {
  if (!hasOnly(answer, ["notApplicable", "urlJudgement", "value"])) {
    parts.push(canon(answer));
    return;
  }
  let open = "{";
  if (answer.notApplicable !== undefined) {
    parts.push(open, '"notApplicable":', canonValue(answer.notApplicable));
    open = ",";
  }
  if (answer.urlJudgement !== undefined) {
    parts.push(open, '"urlJudgement":', canonValue(answer.urlJudgement));
    open = ",";
  }
  if (answer.value !== undefined) {
    parts.push(open, '"value":', valueText ?? canonValue(answer.value));
    open = ",";
  }
  parts.push(open === "{" ? "{}" : "}");
}

/**
 * Adds an item input's RFC 8785 text (evidence, inForce, notApplicable, submitted) to `parts`; an unusual shape
 * goes the long way. The texts of its parts already written for the round's values are used when given.
 */
function pushItemInputText(
  parts: string[],
  input: ItemInput,
  submittedText?: string,
  evidenceText?: string,
  inForceValueText?: string,
): void {
  if (!hasOnly(input, ["evidence", "inForce", "notApplicable", "submitted"], true) || !Array.isArray(input.evidence)) {
    parts.push(canon(input));
    return;
  }
  parts.push('{"evidence":', evidenceText ?? canonValue(input.evidence));
  const { inForce, notApplicable } = input;
  if (inForce === null) parts.push(',"inForce":null');
  else if (hasOnly(inForce, ["notApplicable", "value"], true) && typeof inForce.notApplicable === "boolean") {
    // The usual value in force, a value and whether it is not applicable: a few pieces rather than a dozen.
    const head = inForce.notApplicable
      ? ',"inForce":{"notApplicable":true,"value":'
      : ',"inForce":{"notApplicable":false,"value":';
    parts.push(head, inForceValueText ?? canonValue(inForce.value), "}");
  } else {
    parts.push(',"inForce":');
    pushAnswerText(parts, inForce, inForceValueText);
  }
  if (typeof notApplicable === "boolean")
    parts.push(notApplicable ? ',"notApplicable":true,"submitted":' : ',"notApplicable":false,"submitted":');
  else parts.push(',"notApplicable":', canonValue(notApplicable), ',"submitted":');
  parts.push(submittedText ?? canonValue(input.submitted), "}");
}

/** The RFC 8785 text of a record's entries (no braces), keys in code-unit order, undefined values left out. */
function entriesText<T>(record: Record<string, T>, text: (value: T) => string): string {
  return Object.keys(record)
    .sort()
    .filter((key) => record[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${text(record[key]!)}`)
    .join(",");
}

/** A city input's RFC 8785 text (cityId, items by code, modules by code, each sorted by code unit). */
function cityText(city: CityInput): string {
  const itemText = (input: ItemInput) => {
    const parts: string[] = [];
    pushItemInputText(parts, input);
    return parts.join("");
  };
  return `{"cityId":${canonValue(city.cityId)},"items":{${entriesText(city.items, itemText)}},"modules":{${entriesText(city.modules, canonValue)}}}`;
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

/** Whether a city input has the usual shape, whose text the fast paths write; anything else goes the long way. */
function isPlainCity(city: CityInput): boolean {
  const record = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v);
  return (
    hasOnly(city, ["cityId", "items", "modules"], true) &&
    typeof city.cityId === "number" &&
    record(city.items) &&
    record(city.modules)
  );
}

/** A city input's text; an unusual shape goes the long way. */
function cityInputText(city: CityInput): string {
  return isPlainCity(city) ? cityText(city) : canon(city);
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
