"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { addAssignment, removeAssignment } from "@/db/assignments";
import { getDb } from "@/db/client";
import { ActionError, defineAction } from "@/lib/action";

const id = z.coerce.number().int().positive();
const ADMIN = { roles: ["admin"] } as const;

export const addAssignmentAction = defineAction(
  z.object({ roundId: id, moduleId: id, stageId: id, reviewerId: id }),
  ADMIN,
  (input, { user }) => {
    if (!addAssignment(getDb(), user.id, input)) throw new ActionError("notFound", 404);
    revalidatePath(`/admin/rounds/${input.roundId}`);
  },
);

export const removeAssignmentAction = defineAction(
  z.object({ roundId: id, assignmentId: id }),
  ADMIN,
  ({ roundId, assignmentId }, { user }) => {
    if (!removeAssignment(getDb(), user.id, roundId, assignmentId)) throw new ActionError("notFound", 404);
    revalidatePath(`/admin/rounds/${roundId}`);
  },
);
