"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { addAssignment, removeAssignment } from "@/db/assignments";
import { getDb } from "@/db/client";
import { defineAction, refuse } from "@/lib/action";

const id = z.coerce.number().int().positive();
const ADMIN = { roles: ["admin"] } as const;

export const addAssignmentAction = defineAction(
  z.object({ roundId: id, moduleId: id, stageId: id, reviewerId: id }),
  ADMIN,
  (input, { user }) => {
    const result = addAssignment(getDb(), user, input);
    if (!result.ok) refuse(result.reason);
    revalidatePath(`/admin/rounds/${input.roundId}`);
  },
);

export const removeAssignmentAction = defineAction(
  z.object({ roundId: id, assignmentId: id }),
  ADMIN,
  ({ roundId, assignmentId }, { user }) => {
    const result = removeAssignment(getDb(), user, roundId, assignmentId);
    if (!result.ok) refuse(result.reason);
    revalidatePath(`/admin/rounds/${roundId}`);
  },
);
