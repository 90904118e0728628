"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getAppealItem } from "@/db/appeal-lists";
import { assignAppeal, decideAppeal, fileAppeal } from "@/db/appeals";
import { getDb } from "@/db/client";
import { defineAction, parseField, refuse } from "@/lib/action";
import { decideAppealSchema, fileAppealSchema } from "@/lib/review/appeals";
import { adjustValueSchemaFor, isAdjustable } from "@/lib/review/decision-schema";

export const fileAppealAction = defineAction(
  fileAppealSchema,
  { roles: ["city_staff"] },
  ({ itemId, reason, evidenceUrl }, { user }) => {
    const result = fileAppeal(getDb(), user, { itemId, reason, evidenceUrl });
    if (!result.ok) refuse(result.reason);
    revalidatePath("/rounds", "layout");
    return { id: result.id };
  },
);

export const decideAppealAction = defineAction(decideAppealSchema, { roles: ["reviewer"] }, (input, { user }) => {
  const db = getDb();
  let amendedValue: unknown = null;
  if (input.outcome === "amended") {
    // The amended value is checked like an adjustment of the item: of its type and within its limits.
    const item = getAppealItem(db, input.appealId);
    if (!item || !isAdjustable(item)) refuse("notFound");
    amendedValue = parseField(adjustValueSchemaFor(item), input.value, "value");
  }
  const result = decideAppeal(db, user, {
    appealId: input.appealId,
    outcome: input.outcome,
    reason: input.reason,
    amendedValue,
  });
  if (!result.ok) refuse(result.reason);
  revalidatePath("/review/appeals");
});

export const assignAppealAction = defineAction(
  z.object({ appealId: z.number().int().positive(), reviewerId: z.number().int().positive() }),
  { roles: ["admin"] },
  ({ appealId, reviewerId }, { user }) => {
    const result = assignAppeal(getDb(), user, appealId, reviewerId);
    if (!result.ok) refuse(result.reason);
    revalidatePath("/admin/rounds", "layout");
  },
);
