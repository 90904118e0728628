/** What a submission still lacks before it can be submitted. */
import { isAnswered } from "./answer-schema";

export type MissingEntry = { itemCode: string; what: "answer" | "evidence" };

/** What a submission still lacks: every required answer, and evidence for every answered item that needs it. */
export function findMissing(
  moduleItems: { id: number; code: string; required: boolean; evidenceRequired: boolean }[],
  answerRows: { itemId: number; value: unknown; notApplicableReason: string | null }[],
  evidenceRows: { itemId: number }[],
): MissingEntry[] {
  const byItem = new Map(answerRows.map((a) => [a.itemId, a]));
  const missing: MissingEntry[] = [];
  for (const item of moduleItems) {
    const answer = byItem.get(item.id);
    if (item.required && !isAnswered(answer)) missing.push({ itemCode: item.code, what: "answer" });
    const notApplicable = !!answer?.notApplicableReason;
    if (item.evidenceRequired && !notApplicable && !evidenceRows.some((e) => e.itemId === item.id)) {
      missing.push({ itemCode: item.code, what: "evidence" });
    }
  }
  return missing;
}
