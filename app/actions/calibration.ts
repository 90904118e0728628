"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import {
  type CalibrationDecision,
  cancelCalibration,
  completeCalibration,
  decideCalibrationItem,
  drawCalibration,
  withdrawCalibrationItem,
} from "@/db/calibration";
import { getDb } from "@/db/client";
import { getItem } from "@/db/framework";
import { ActionError, defineAction, parseField, refusalStatus, refuse } from "@/lib/action";
import { REASON_MAX } from "@/lib/questionnaire/answer-schema";
import { drawCalibrationSchema } from "@/lib/review/calibration-schema";
import { adjustValueSchemaFor, isAdjustable, itemDecisionSchema } from "@/lib/review/decision-schema";

const id = z.number().int().positive();
const REVIEWER = { roles: ["reviewer"] } as const;

/** Has a share of a stage's reviewed versions reviewed blind a second time (审核一致性校准). */
export const drawCalibrationAction = defineAction(
  drawCalibrationSchema,
  { roles: ["admin"] },
  ({ roundId, stageId, sharePct, reviewerIds }, { user }) => {
    const result = drawCalibration(getDb(), user, { roundId, stageId, share: sharePct / 100, reviewerIds });
    if (!result.ok) refuse(result.reason);
    revalidatePath(`/admin/rounds/${roundId}`);
    return { drawn: result.drawn, unpaired: result.unpaired, candidates: result.candidates };
  },
);

/** Withdraws an open calibration, with the reason (the audit keeps what was withdrawn). */
export const cancelCalibrationAction = defineAction(
  z.object({
    calibrationId: id,
    reason: z.string().trim().min(1, { error: "reasonRequired" }).max(REASON_MAX, { error: "tooLong" }),
  }),
  { roles: ["admin"] },
  ({ calibrationId, reason }, { user }) => {
    const result = cancelCalibration(getDb(), user, calibrationId, reason);
    if (!result.ok) refuse(result.reason);
    revalidatePath("/admin", "layout");
  },
);

export const decideCalibrationItemAction = defineAction(
  z.object({ calibrationId: id, itemId: id, decision: itemDecisionSchema }),
  REVIEWER,
  ({ calibrationId, itemId, decision }, { user }) => {
    // The value is checked against the item as a review's adjustment is (app/actions/review.ts), so both read alike.
    let adjustedValue: unknown = null;
    if (decision.action === "adjust") {
      const item = getItem(getDb(), itemId);
      if (!item || !isAdjustable(item)) refuse("notFound");
      adjustedValue = parseField(adjustValueSchemaFor(item), decision.value, "value");
    }
    const result = decideCalibrationItem(getDb(), user, {
      calibrationId,
      itemId,
      ...decision,
      adjustedValue,
      comment: decision.comment ?? null,
    } as { calibrationId: number; itemId: number } & CalibrationDecision);
    if (!result.ok) refuse(result.reason);
    revalidatePath(`/review/calibration/${calibrationId}`);
  },
);

export const withdrawCalibrationItemAction = defineAction(
  z.object({ calibrationId: id, itemId: id }),
  REVIEWER,
  (input, { user }) => {
    const result = withdrawCalibrationItem(getDb(), user, input);
    if (!result.ok) refuse(result.reason);
    revalidatePath(`/review/calibration/${input.calibrationId}`);
  },
);

export const completeCalibrationAction = defineAction(
  z.object({ calibrationId: id }),
  REVIEWER,
  ({ calibrationId }, { user }) => {
    const result = completeCalibration(getDb(), user, calibrationId);
    if (!result.ok)
      throw new ActionError(
        result.reason,
        refusalStatus(result.reason),
        result.itemCodes ? { itemCodes: result.itemCodes } : undefined,
      );
    revalidatePath("/review", "layout");
  },
);
