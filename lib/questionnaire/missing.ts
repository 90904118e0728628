/** What a submission still lacks before it can be submitted. */
import { brokenRules, type CompiledRule, ruleValuesOf } from "@/lib/validation/rules";
import { isAnswered } from "./answer-schema";

/**
 * an answer, evidence, the city's confirmation of a value copied from last round (db/prefill.ts), or a `block`
 * validation rule that does not hold (named with its items, the first of which the entry points at)
 */
export type MissingEntry =
  | { itemCode: string; what: "answer" | "evidence" | "confirmation" }
  | { itemCode: string; what: "rule"; rule: { code: string; message: { zh: string; en: string }; items: string[] } };

/**
 * What a submission still lacks: every required answer, evidence for every answered item that needs it, the
 * city's confirmation of every value copied from last round that it has not edited, and every `block` rule of
 * the module that its answers break.
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
  rules: readonly CompiledRule[] = [],
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
  const codeOf = new Map(moduleItems.map((i) => [i.id, i.code]));
  const values = ruleValuesOf(
    answerRows.flatMap((a) => (codeOf.has(a.itemId) ? [{ ...a, code: codeOf.get(a.itemId)! }] : [])),
  );
  for (const rule of brokenRules(
    rules.filter((r) => r.level === "block"),
    values,
  ))
    missing.push({
      itemCode: rule.items[0]!,
      what: "rule",
      rule: { code: rule.code, message: rule.message, items: rule.items },
    });
  return missing;
}
