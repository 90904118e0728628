/**
 * The item-level scorecard of one city as the report and the city's preliminary results show it: per module,
 * indicator and item the result (points, submitted and verified value), the decisions on the final version
 * and the evidence with its SHA-256. db/report.ts builds it; this is the shape the page renders.
 */
import type { Item } from "@/lib/framework/item";
import type { Derivation } from "./explain";

/** A result row: frozen at finalisation, or computed now for preliminary results. */
export type ScorecardResult = {
  points: number;
  submittedValue?: unknown;
  verifiedValue?: unknown;
  notSubmitted: boolean;
};

export type ScorecardItem = Pick<
  Item,
  "code" | "nameZh" | "nameEn" | "maxPoints" | "answerType" | "options" | "unitZh" | "unitEn"
> & { id: number };

/** A reviewer's decision on an item, at a stage, on the version in force. */
export type ScorecardDecision = {
  action: "accept" | "adjust" | "query";
  comment: string | null;
  adjustedValue: unknown;
  /** set when the decision was made on an earlier version and carried into this one */
  carriedFromVersion: number | null;
  stageNameZh: string;
  stageNameEn: string;
  reviewerName: string;
};

export type ScorecardEvidence = {
  id: number;
  kind: "file" | "url";
  url: string | null;
  originalName: string | null;
  sha256: string | null;
};

type Level = { code: string; nameZh: string; nameEn: string; maxPoints: number; result: ScorecardResult };

export type ItemScorecard = {
  total: ScorecardResult;
  modules: (Level & {
    indicators: (Level & {
      items: {
        item: ScorecardItem;
        result: ScorecardResult;
        notApplicableReason: string | null;
        decisions: ScorecardDecision[];
        evidence: ScorecardEvidence[];
        /** how the points come about from the value in force and the rule (lib/scoring/explain.ts) */
        derivation: Derivation;
      }[];
    })[];
  })[];
};
