/**
 * How a city's item results are frozen: one array per round and city (db: item_results), an entry per item in
 * framework order — [code, points in hundredths, submitted value, verified value, review status of its module,
 * not submitted]. Indicator, module and total results stay one row each (db: results). Finalising a national
 * round wrote 160,000 item rows, more than half of its time; the published record (digests, bundle, exports)
 * still has one row per item: `itemRowsOf` gives them back.
 */
import type { ResultRow } from "./round-results";

export type StoredItemResult = [
  code: string,
  points: number,
  submittedValue: unknown,
  verifiedValue: unknown,
  reviewStatus: string,
  notSubmitted: boolean,
];

/** The item rows of one city, as stored. */
export function storedItemsOf(rows: ResultRow[]): StoredItemResult[] {
  return rows
    .filter((r) => r.level === "item")
    .map((r) => [r.code, r.points, r.submittedValue ?? null, r.verifiedValue ?? null, r.reviewStatus, r.notSubmitted]);
}

/** A city's stored items as the result rows they were made from. */
export function itemRowsOf(roundId: number, cityId: number, stored: StoredItemResult[]): ResultRow[] {
  return stored.map(([code, points, submittedValue, verifiedValue, reviewStatus, notSubmitted]) => ({
    roundId,
    cityId,
    level: "item",
    code,
    points,
    submittedValue,
    verifiedValue,
    reviewStatus,
    notSubmitted,
  }));
}

/**
 * One city's stored rows in the order the engine makes them (lib/scoring/round-results.ts): each indicator's
 * items then the indicator, each module after its indicators, the total last. A city's digest is taken over its
 * rows in this order, so a bundle lists them so. Rows the framework does not name (none, unless tampered with)
 * come last rather than vanish.
 */
export function inEngineOrder(
  framework: { code: string; indicators: { code: string; items: { code: string }[] }[] }[],
  rows: ResultRow[],
): ResultRow[] {
  const left = new Map(rows.map((r) => [`${r.level}:${r.code}`, r]));
  const ordered: ResultRow[] = [];
  const take = (key: string) => {
    const row = left.get(key);
    if (row) ordered.push(row);
    left.delete(key);
  };
  for (const mod of framework) {
    for (const ind of mod.indicators) {
      for (const item of ind.items) take(`item:${item.code}`);
      take(`indicator:${ind.code}`);
    }
    take(`module:${mod.code}`);
  }
  take("total:");
  return [...ordered, ...left.values()];
}
