import type { LocalizedItem } from "@/lib/framework/item";

/** An item as the questionnaire renders it: names already in the reader's language (lib/framework/item.ts). */
export type ClientItem = LocalizedItem;

export type ClientIndicator = { code: string; name: string; maxPoints: number; items: ClientItem[] };

export type ClientAnswer = {
  value: unknown;
  notApplicableReason: string | null;
  revision: number;
  updatedAt: string;
  updatedByName: string | null;
  /** a value copied from last round, not yet edited or confirmed */
  prefilledFromRoundId?: number | null;
};

export type ClientEvidence = {
  id: number;
  kind: "file" | "url";
  url: string | null;
  originalName: string | null;
  size: number | null;
  mime: string | null;
  /** a file's content hash: which file of the city's library it is */
  sha256?: string | null;
  uploadedAt: string;
  uploaderName: string;
};

/** A file of the city's evidence library for the round, as the questionnaire offers it for attaching. */
export type ClientLibraryFile = {
  id: number;
  sha256: string;
  originalName: string;
  size: number;
  mime: string;
};

/** What the questionnaire tracks per item for progress and the live score. */
export type ItemState = {
  /** the value as validation rules see it: null when unanswered or not applicable */
  value: unknown;
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

/** A validation rule that the item's current values break, as the item shows it. */
export type RuleMessage = { code: string; level: "warn" | "block"; message: string };
