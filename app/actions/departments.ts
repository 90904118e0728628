"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { assignItems, inviteDepartmentUser, setDepartmentUserActive } from "@/db/departments";
import { defineAction, refuse } from "@/lib/action";
import { inviteDepartmentUserSchema } from "@/lib/auth/schemas";

/** Only a city's lead manages its departments; every id is checked against the lead's city in db/departments.ts. */
const LEAD = { roles: ["city_staff"] } as const;
const id = z.number().int().positive();

export const inviteDepartmentUserAction = defineAction(inviteDepartmentUserSchema, LEAD, async (input, { user }) => {
  const result = await inviteDepartmentUser(getDb(), user, input);
  if (!result.ok) refuse(result.reason);
  revalidatePath("/rounds", "layout");
});

export const setDepartmentUserActiveAction = defineAction(
  z.object({ userId: id, active: z.boolean() }),
  LEAD,
  ({ userId, active }, { user }) => {
    const result = setDepartmentUserActive(getDb(), user, userId, active);
    if (!result.ok) refuse(result.reason);
    revalidatePath("/rounds", "layout");
  },
);

/** Assigns items of a round to a department user of the lead's city, or takes them back (`userId` null). */
export const assignItemsAction = defineAction(
  z.object({ roundId: id, itemIds: z.array(id).min(1).max(2000), userId: id.nullable() }),
  LEAD,
  (input, { user }) => {
    const result = assignItems(getDb(), user, input);
    if (!result.ok) refuse(result.reason);
    revalidatePath("/rounds", "layout");
    return { changed: result.changed };
  },
);
