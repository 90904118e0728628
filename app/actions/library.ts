"use server";

import { z } from "zod";
import { getDb } from "@/db/client";
import { attachLibraryFile } from "@/db/evidence";
import { removeFromLibrary } from "@/db/evidence-library";
import { ActionError, defineAction, refuse } from "@/lib/action";

/** The library page is the city lead's; a department user attaches its files to their own items only. */
const LEAD = { roles: ["city_staff"] } as const;
const FILLERS = { roles: ["city_staff", "department_staff"] } as const;

/** Attaches a file of the city's library to one or more items: all of them, or none with each refusal listed. */
export const attachLibraryFileAction = defineAction(
  z.object({
    fileId: z.number().int().positive(),
    itemIds: z.array(z.number().int().positive()).min(1, { error: "chooseItems" }).max(500),
  }),
  FILLERS,
  ({ fileId, itemIds }, { user }) => {
    const result = attachLibraryFile(getDb(), user, fileId, itemIds);
    if (result.ok) return { evidence: result.evidence, uploadedAt: new Date().toISOString(), uploaderName: user.name };
    if (result.reason === "itemsRefused") throw new ActionError("attachRefused", 409, { refused: result.refused });
    refuse(result.reason);
  },
);

/** Takes a file out of the city's library (refused while it is attached to any item). */
export const removeLibraryFileAction = defineAction(
  z.object({ fileId: z.number().int().positive() }),
  LEAD,
  ({ fileId }, { user }) => {
    const result = removeFromLibrary(getDb(), user, fileId);
    if (result.ok) return;
    if (result.reason === "stillAttached") throw new ActionError("stillAttached", 409, { count: result.count ?? 0 });
    refuse(result.reason);
  },
);
