"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db/client";
import { listFrameworkYears, loadFrameworkFile } from "@/db/data-files";
import { cloneRound, createDraftRound, openRound, updateRoundSettings } from "@/db/rounds";
import { ActionError, defineAction, refuse } from "@/lib/action";
import { starterFramework } from "@/lib/framework/starter";
import { cloneRoundSchema, createRoundSchema, endOfDayCst, roundSettingsSchema } from "@/lib/rounds/settings-schema";

const ADMIN = { roles: ["admin"] } as const;

export const cloneRoundAction = defineAction(cloneRoundSchema, ADMIN, ({ sourceId, name, year }, { user }) => {
  const result = cloneRound(getDb(), user.id, sourceId, { name, year });
  if (!result.ok) refuse(result.reason);
  redirect(`/admin/rounds/${result.id}`);
});

export const createRoundAction = defineAction(createRoundSchema, ADMIN, ({ name, year, base, allCities }, { user }) => {
  if (base !== "starter" && !listFrameworkYears().includes(Number(base))) throw new ActionError("chooseOne", 400);
  const framework = base === "starter" ? starterFramework(year) : loadFrameworkFile(Number(base));
  const result = createDraftRound(getDb(), user.id, { name, year, allCities }, framework);
  if (!result.ok) throw new ActionError(result.reason, 409);
  redirect(`/admin/rounds/${result.id}`);
});

export const updateRoundSettingsAction = defineAction(roundSettingsSchema, ADMIN, (input, { user }) => {
  const result = updateRoundSettings(getDb(), user, input.roundId, {
    name: input.name,
    nameEn: input.nameEn || null,
    year: input.year,
    dataCutoffDate: input.dataCutoffDate ?? null,
    submissionDeadline: endOfDayCst(input.submissionDeadline),
    reviewDeadline: endOfDayCst(input.reviewDeadline),
    preliminaryResults: input.preliminaryResults,
    appealDeadline: endOfDayCst(input.appealDeadline),
    reminderDaysBefore: input.reminderDaysBefore ?? null,
    plausibility: {
      zThreshold: input.zThreshold,
      minPeers: input.minPeers,
      yoyRise: input.yoyRisePct / 100,
      yoyFall: input.yoyFallPct / 100,
    },
  });
  if (!result.ok) refuse(result.reason);
  revalidatePath(`/admin/rounds/${input.roundId}`);
});

export const openRoundAction = defineAction(
  z.object({ roundId: z.number().int().positive() }),
  ADMIN,
  ({ roundId }, { user }) => {
    const result = openRound(getDb(), user, roundId);
    if (!result.ok) refuse(result.reason);
    revalidatePath("/", "layout");
  },
);
