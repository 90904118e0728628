/** One result of one city: an item, an indicator, a module or the total (level), points in hundredths. */
export type ResultRow = {
  roundId: number;
  cityId: number;
  level: "item" | "indicator" | "module" | "total";
  code: string;
  points: number;
  rank?: number | null;
  submittedValue?: unknown;
  verifiedValue?: unknown;
  reviewStatus: string;
  notSubmitted: boolean;
};
