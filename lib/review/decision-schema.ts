/** Schemas of a reviewer's item decision, shared by the review screen's forms and the server action. */
import { z } from "zod";
import { type ItemConstraints, REASON_MAX, valueSchemaFor } from "@/lib/questionnaire/answer-schema";

export const URL_JUDGEMENTS = ["ok", "partial", "bad"] as const;

export const itemDecisionSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("accept"), comment: z.string().max(REASON_MAX, { error: "tooLong" }).optional() }),
  z.object({
    action: z.literal("adjust"),
    value: z.unknown(),
    comment: z.string().trim().min(1, { error: "reasonRequired" }).max(REASON_MAX, { error: "tooLong" }),
  }),
  z.object({
    action: z.literal("query"),
    comment: z
      .string()
      .trim()
      .min(1, { error: "commentRequired" })
      .max(REASON_MAX * 2, { error: "tooLong" }),
  }),
]);
export type ItemDecisionInput = z.input<typeof itemDecisionSchema>;

/** The value a reviewer may put in place of the city's: of the item's type; for a link, a judgement of it. */
export function adjustValueSchemaFor(item: ItemConstraints) {
  if (item.answerType === "url") return z.enum(URL_JUDGEMENTS, { error: "chooseOne" });
  return valueSchemaFor(item).refine((v) => v !== null, { error: "required" });
}

export function isAdjustable(item: { answerType: string }): boolean {
  return item.answerType !== "text";
}
