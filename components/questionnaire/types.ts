import type { AnswerType, EvidenceKind, ItemOption, ScoringRule } from "@/lib/framework/schema";

/** An item as the questionnaire renders it: names already in the reader's language. */
export type ClientItem = {
  id: number;
  code: string;
  name: string;
  answerType: AnswerType;
  unit: string | null;
  options: ItemOption[] | null;
  minValue: number | null;
  maxValue: number | null;
  decimals: number | null;
  required: boolean;
  rule: ScoringRule;
  maxPoints: number;
  evidenceKinds: EvidenceKind[];
  evidenceRequired: boolean;
  help: string | null;
};

export type ClientIndicator = { code: string; name: string; maxPoints: number; items: ClientItem[] };

export type ClientAnswer = {
  value: unknown;
  notApplicableReason: string | null;
  revision: number;
  updatedAt: string;
  updatedByName: string | null;
};

export type ClientEvidence = {
  id: number;
  kind: "file" | "url";
  url: string | null;
  originalName: string | null;
  size: number | null;
  mime: string | null;
  uploadedAt: string;
  uploaderName: string;
};

/** What the questionnaire tracks per item for progress and the live score. */
export type ItemState = {
  answered: boolean;
  notApplicable: boolean;
  points: number;
  evidenceCount: number;
  unsaved: boolean;
};

export type ClientQuery = {
  id: number;
  version: number;
  stagePosition: number;
  comment: string | null;
  reply: string | null;
};

/** A reviewer's adjustment (核减) in force on an item, as the city reads it next to the item. */
export type ClientAdjustment = {
  /** the value that is scored instead of the city's own */
  value: unknown;
  /** that value as text in the reader's language (a link's adjustment is a judgement of it) */
  display: string;
  reason: string | null;
  stageName: string;
  decidedAt: string;
  carriedFromVersion: number | null;
};
