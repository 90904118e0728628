"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createCity, setParticipation, updateCity } from "@/db/cities";
import { getDb } from "@/db/client";
import { ActionError, defineAction, refuse } from "@/lib/action";
import { citySchema } from "@/lib/cities/schema";

const ADMIN = { roles: ["admin"] } as const;

export const createCityAction = defineAction(citySchema, ADMIN, (input, { user }) => {
  const result = createCity(getDb(), user.id, input);
  if (!result.ok) throw new ActionError(result.reason, 409, { fieldErrors: { code: [result.reason] } });
  revalidatePath("/admin/cities");
});

export const updateCityAction = defineAction(
  citySchema.omit({ code: true }).extend({ id: z.number().int().positive() }),
  ADMIN,
  ({ id, ...input }, { user }) => {
    const result = updateCity(getDb(), user.id, id, input);
    if (!result.ok) refuse(result.reason);
    revalidatePath("/admin/cities");
  },
);

export const setParticipationAction = defineAction(
  z.object({ roundId: z.number().int().positive(), cityIds: z.array(z.number().int().positive()).max(100_000) }),
  ADMIN,
  ({ roundId, cityIds }, { user }) => {
    const result = setParticipation(getDb(), user, roundId, cityIds);
    if (!result.ok) refuse(result.reason);
    revalidatePath(`/admin/rounds/${roundId}`);
  },
);
