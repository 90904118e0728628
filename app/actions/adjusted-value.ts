import "server-only";
import { getDb } from "@/db/client";
import { getItem } from "@/db/framework";
import { ActionError, parseWithKeys, refuse, toErrorKey } from "@/lib/action";
import { adjustValueSchemaFor, type ItemDecisionInput, isAdjustable } from "@/lib/review/decision-schema";

/**
 * The value an adjustment puts in place of the city's, checked against the item (its type; a link's judgement), or
 * null for the other decisions. Shared by a review's decisions and a calibration's, which must read values alike.
 */
export function adjustedValueOf(itemId: number, decision: ItemDecisionInput): unknown {
  if (decision.action !== "adjust") return null;
  const item = getItem(getDb(), itemId);
  if (!item || !isAdjustable(item)) refuse("notFound");
  const parsed = parseWithKeys(adjustValueSchemaFor(item), decision.value);
  if (!parsed.success)
    throw new ActionError(toErrorKey(parsed.error.issues[0]?.message), 400, {
      fieldErrors: { value: [toErrorKey(parsed.error.issues[0]?.message)] },
    });
  return parsed.data;
}
