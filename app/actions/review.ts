"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { getItem } from "@/db/framework";
import { decideItem, withdrawItemDecision } from "@/db/item-decisions";
import { dismissFlag } from "@/db/plausibility";
import { replyToQuery } from "@/db/review-feedback";
import { approveSubmission, bulkApprove, reopenSubmission, returnSubmission } from "@/db/reviews";
import { ActionError, defineAction, parseField, refusalStatus, refuse } from "@/lib/action";
import { REASON_MAX } from "@/lib/questionnaire/answer-schema";
import { adjustValueSchemaFor, isAdjustable, itemDecisionSchema } from "@/lib/review/decision-schema";

const REVIEWER = { roles: ["reviewer"] } as const;
const ids = { submissionId: z.number().int().positive(), version: z.number().int().positive() };

export const decideItemAction = defineAction(
  z.object({ ...ids, itemId: z.number().int().positive(), decision: itemDecisionSchema }),
  REVIEWER,
  ({ submissionId, version, itemId, decision }, { user }) => {
    let adjustedValue: unknown = null;
    if (decision.action === "adjust") {
      const item = getItem(getDb(), itemId);
      if (!item || !isAdjustable(item)) refuse("notFound");
      adjustedValue = parseField(adjustValueSchemaFor(item), decision.value, "value");
    }
    const result = decideItem(getDb(), user, {
      submissionId,
      itemId,
      version,
      ...decision,
      adjustedValue,
      comment: decision.comment ?? null,
    } as Parameters<typeof decideItem>[2]);
    if (!result.ok) refuse(result.reason);
    revalidatePath(`/review/submissions/${submissionId}`);
  },
);

export const withdrawItemDecisionAction = defineAction(
  z.object({ ...ids, itemId: z.number().int().positive() }),
  REVIEWER,
  ({ submissionId, version, itemId }, { user }) => {
    const result = withdrawItemDecision(getDb(), user, { submissionId, version, itemId });
    if (!result.ok) refuse(result.reason);
    revalidatePath(`/review/submissions/${submissionId}`);
  },
);

export const approveAction = defineAction(z.object(ids), REVIEWER, ({ submissionId, version }, { user }) => {
  const result = approveSubmission(getDb(), user, submissionId, version);
  if (!result.ok)
    throw new ActionError(
      result.reason,
      refusalStatus(result.reason),
      result.itemCodes ? { itemCodes: result.itemCodes } : undefined,
    );
  revalidatePath("/review", "layout");
  return { verified: result.verified };
});

export const returnAction = defineAction(
  z.object({
    ...ids,
    comment: z
      .string()
      .max(REASON_MAX * 2, { error: "tooLong" })
      .optional(),
  }),
  REVIEWER,
  ({ submissionId, version, comment }, { user }) => {
    const result = returnSubmission(getDb(), user, submissionId, version, comment ?? null);
    if (!result.ok) refuse(result.reason);
    revalidatePath("/review", "layout");
  },
);

export const bulkApproveAction = defineAction(
  z.object({ submissionIds: z.array(z.number().int().positive()).min(1).max(500) }),
  REVIEWER,
  ({ submissionIds }, { user }) => {
    const results = bulkApprove(getDb(), user, submissionIds);
    revalidatePath("/review", "layout");
    return { approved: results.filter((r) => r.ok).length, skipped: results.filter((r) => !r.ok).length };
  },
);

export const replyToQueryAction = defineAction(
  z.object({
    itemReviewId: z.number().int().positive(),
    reply: z
      .string()
      .trim()
      .min(1, { error: "required" })
      .max(REASON_MAX * 2, { error: "tooLong" }),
  }),
  { roles: ["city_staff"] },
  ({ itemReviewId, reply }, { user }) => {
    const result = replyToQuery(getDb(), user, itemReviewId, reply);
    if (!result.ok) refuse(result.reason);
  },
);

export const reopenAction = defineAction(
  z.object({
    submissionId: z.number().int().positive(),
    reason: z.string().trim().min(1, { error: "reasonRequired" }).max(REASON_MAX, { error: "tooLong" }),
  }),
  { roles: ["admin"] },
  ({ submissionId, reason }, { user }) => {
    const result = reopenSubmission(getDb(), user, submissionId, reason);
    if (!result.ok) refuse(result.reason);
    revalidatePath(`/review/submissions/${submissionId}`);
  },
);

/** Dismisses a plausibility flag of a submitted version, with the reason (a reviewer of its module or an admin). */
export const dismissFlagAction = defineAction(
  z.object({
    submissionId: z.number().int().positive(),
    itemCode: z.string().min(1).max(40),
    kind: z.enum(["peer", "previous"]),
    reason: z.string().trim().min(1, { error: "reasonRequired" }).max(REASON_MAX, { error: "tooLong" }),
  }),
  { roles: ["reviewer", "admin"] },
  (input, { user }) => {
    const result = dismissFlag(getDb(), user, input);
    if (!result.ok) refuse(result.reason);
    revalidatePath(`/review/submissions/${input.submissionId}`);
  },
);
