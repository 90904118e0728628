/** What a submission still lacks before it can be submitted. */
import { isAnswered } from "./answer-schema";

/** an answer, evidence, or the city's confirmation of a value copied from last round (db/prefill.ts) */
export type MissingEntry = { itemCode: string; what: "answer" | "evidence" | "confirmation" };

/**
 * What a submission still lacks: every required answer, evidence for every answered item that needs it, and the
 * city's confirmation of every value copied from last round that it has not edited.
 */
export function findMissing(
  moduleItems: { id: number; code: string; required: boolean; evidenceRequired: boolean }[],
  answerRows: {
    itemId: number;
    value: unknown;
    notApplicableReason: string | null;
    prefilledFromRoundId?: number | null;
  }[],
  evidenceRows: { itemId: number }[],
): MissingEntry[] {
  const byItem = new Map(answerRows.map((a) => [a.itemId, a]));
  const missing: MissingEntry[] = [];
  for (const item of moduleItems) {
    const answer = byItem.get(item.id);
    if (item.required && !isAnswered(answer)) missing.push({ itemCode: item.code, what: "answer" });
    if (answer?.prefilledFromRoundId) missing.push({ itemCode: item.code, what: "confirmation" });
    const notApplicable = !!answer?.notApplicableReason;
    if (item.evidenceRequired && !notApplicable && !evidenceRows.some((e) => e.itemId === item.id)) {
      missing.push({ itemCode: item.code, what: "evidence" });
    }
  }
  return missing;
}
