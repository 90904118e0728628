"use server";

import { getFormatter } from "next-intl/server";
import { z } from "zod";
import { getDb } from "@/db/client";
import { addEvidence, deleteEvidence } from "@/db/evidence";
import { confirmPrefilled, prefillFromPreviousRound } from "@/db/prefill";
import { submitModule } from "@/db/submissions";
import { ActionError, defineAction, refuse } from "@/lib/action";

/** The city's lead and its department users fill in (a department user only their items: db/editing.ts). */
const FILLERS = { roles: ["city_staff", "department_staff"] } as const;
/** Only the city's lead submits (lib/workflow/transitions.ts). */
const LEAD = { roles: ["city_staff"] } as const;

export const addLinkEvidenceAction = defineAction(
  z.object({
    itemId: z.number().int().positive(),
    url: z.url({ protocol: /^https?$/, error: "urlInvalid" }).max(2000, { error: "tooLong" }),
  }),
  FILLERS,
  ({ itemId, url }, { user }) => {
    const result = addEvidence(getDb(), user, itemId, { kind: "url", url });
    if (!result.ok) refuse(result.reason);
    return { id: result.id, uploadedAt: new Date().toISOString(), uploaderName: user.name };
  },
);

export const deleteEvidenceAction = defineAction(
  z.object({ evidenceId: z.number().int().positive() }),
  FILLERS,
  ({ evidenceId }, { user }) => {
    const result = deleteEvidence(getDb(), user, evidenceId);
    if (!result.ok) refuse(result.reason);
  },
);

export const submitModuleAction = defineAction(
  z.object({ roundId: z.number().int().positive(), moduleCode: z.string().min(1).max(20) }),
  LEAD,
  async ({ roundId, moduleCode }, { user }) => {
    const result = submitModule(getDb(), user, roundId, moduleCode);
    if (result.ok) return { version: result.version };
    if (result.reason === "incomplete") throw new ActionError("incomplete", 409, { missing: result.missing });
    if ("deadline" in result) {
      const format = await getFormatter();
      throw new ActionError("pastDeadline", 409, {
        deadline: format.dateTime(result.deadline, { dateStyle: "long", timeStyle: "short" }),
      });
    }
    refuse(result.reason);
  },
);

/** Copies last round's verified values into the module's empty items (or these items only). */
export const prefillAction = defineAction(
  z.object({
    roundId: z.number().int().positive(),
    moduleCode: z.string().min(1).max(20),
    itemIds: z.array(z.number().int().positive()).max(500).optional(),
  }),
  FILLERS,
  ({ roundId, moduleCode, itemIds }, { user }) => {
    const result = prefillFromPreviousRound(getDb(), user, roundId, moduleCode, itemIds);
    if (!result.ok) refuse(result.reason);
    return { copied: result.copied, skipped: result.skipped };
  },
);

/** Confirms a value copied from last round as it is. */
export const confirmPrefilledAction = defineAction(
  z.object({ itemId: z.number().int().positive() }),
  FILLERS,
  ({ itemId }, { user }) => {
    const result = confirmPrefilled(getDb(), user, itemId);
    if (!result.ok) refuse(result.reason as Parameters<typeof refuse>[0]);
  },
);
