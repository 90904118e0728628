"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { finaliseRound, markNotSubmitted, reopenRound } from "@/db/finalise";
import { ActionError, defineAction, refusalStatus, refuse } from "@/lib/action";
import { REASON_MAX } from "@/lib/questionnaire/answer-schema";

const ADMIN = { roles: ["admin"] } as const;
const id = z.number().int().positive();
const reason = z.string().trim().min(1, { error: "reasonRequired" }).max(REASON_MAX, { error: "tooLong" });

export const markNotSubmittedAction = defineAction(
  z.object({
    roundId: id,
    cells: z
      .array(z.object({ cityId: id, moduleId: id }))
      .min(1)
      .max(10_000),
    reason,
  }),
  ADMIN,
  ({ roundId, cells, reason: why }, { user }) => {
    const db = getDb();
    let marked = 0;
    for (const cell of cells) {
      const result = markNotSubmitted(db, user, { roundId, ...cell, reason: why });
      if (!result.ok) throw new ActionError(result.reason, refusalStatus(result.reason), { marked });
      marked++;
    }
    revalidatePath(`/admin/rounds/${roundId}`);
    return { marked };
  },
);

export const finaliseRoundAction = defineAction(z.object({ roundId: id }), ADMIN, ({ roundId }, { user }) => {
  const result = finaliseRound(getDb(), user, roundId);
  if (!result.ok) {
    if (result.reason === "blocked") throw new ActionError("finaliseBlocked", 409, { count: result.blockers.length });
    if (result.reason === "appealsOpen") throw new ActionError("appealsOpen", 409, { count: result.count });
    refuse(result.reason);
  }
  revalidatePath("/", "layout");
  return { digest: result.digest, cities: result.cities };
});

export const reopenRoundAction = defineAction(
  z.object({ roundId: id, reason }),
  ADMIN,
  ({ roundId, reason: why }, { user }) => {
    const result = reopenRound(getDb(), user, roundId, why);
    if (!result.ok) refuse(result.reason);
    revalidatePath("/", "layout");
  },
);
