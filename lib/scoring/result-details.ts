/**
 * How a city's results are frozen. The ranked figures — the total and each module, with their ranks — are a row
 * each (db: results), what the ranking and the report query. Everything below them, each indicator and item, is
 * one array per round and city (db: result_details), an entry per indicator or item in the engine's order
 * (stored-detail.ts). A row for each of them made finalising a national round write 230,000 rows instead of 17,000 and
 * 2,800 arrays. The published record (digests, bundles, exports) still has one row per item: `detailRowsOf`
 * gives them back.
 */
import type { ResultRow } from "./result-row";
import type { StoredDetail } from "./stored-detail";

export type { StoredDetail };

/** A city's stored details as the result rows they were made from. */
export function detailRowsOf(roundId: number, cityId: number, stored: StoredDetail[]): ResultRow[] {
  return stored.map(([level, code, points, submittedValue, verifiedValue, reviewStatus, notSubmitted]) =>
    level === "item"
      ? { roundId, cityId, level, code, points, submittedValue, verifiedValue, reviewStatus, notSubmitted }
      : { roundId, cityId, level, code, points, reviewStatus, notSubmitted },
  );
}

/**
 * One city's stored rows in the order the engine makes them (lib/scoring/round-results.ts): each indicator's
 * items then the indicator, each module after its indicators, the total last. A city's digest is taken over its
 * rows in this order, so a bundle lists them so. Rows the framework does not name, and a second row of the same
 * level and code (none, unless the database was tampered with), come last rather than vanish: the checks that
 * compare stored with recomputed rows then see them.
 */
export function inEngineOrder(
  framework: { code: string; indicators: { code: string; items: { code: string }[] }[] }[],
  rows: ResultRow[],
): ResultRow[] {
  const first = new Map<string, ResultRow>();
  const extra: ResultRow[] = [];
  for (const r of rows) {
    const key = `${r.level}:${r.code}`;
    if (first.has(key)) extra.push(r);
    else first.set(key, r);
  }
  const ordered: ResultRow[] = [];
  const take = (key: string) => {
    const row = first.get(key);
    if (row) ordered.push(row);
    first.delete(key);
  };
  for (const mod of framework) {
    for (const ind of mod.indicators) {
      for (const item of ind.items) take(`item:${item.code}`);
      take(`indicator:${ind.code}`);
    }
    take(`module:${mod.code}`);
  }
  take("total:");
  return [...ordered, ...first.values(), ...extra];
}
