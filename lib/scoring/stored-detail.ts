/**
 * One indicator or item as a finalised round stores it (db: result_details, one array per city):
 * [level, code, points in hundredths, submitted value, verified value, review status of its module, not
 * submitted]. Written by the engine (round-results.ts), read back by result-details.ts.
 */
export type StoredDetail = [
  level: "indicator" | "item",
  code: string,
  points: number,
  submittedValue: unknown,
  verifiedValue: unknown,
  reviewStatus: string,
  notSubmitted: boolean,
];
