"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createApiToken, revokeApiToken, TOKEN_MAX_DAYS } from "@/db/api-tokens";
import { getDb } from "@/db/client";
import { defineAction, refuse } from "@/lib/action";
import { ROLES } from "@/lib/domain";

/** Every signed-in user manages their own tokens; an admin anyone's (db/api-tokens.ts checks the owner). */
const ANYONE = { roles: ROLES } as const;

export const createTokenAction = defineAction(
  z.object({
    name: z.string().trim().min(1, { error: "required" }).max(80, { error: "tooLong" }),
    scope: z.enum(["read", "write"], { error: "chooseOne" }),
    expiresInDays: z.coerce.number().int().min(1, { error: "outOfRange" }).max(TOKEN_MAX_DAYS, { error: "outOfRange" }),
    userId: z.number().int().positive().optional(),
  }),
  ANYONE,
  (input, { user }) => {
    const result = createApiToken(getDb(), user, input);
    if (!result.ok) refuse(result.reason);
    revalidatePath("/account/tokens");
    // Shown once: only its hash is kept.
    return { token: result.token, expiresAt: result.expiresAt.toISOString() };
  },
);

export const revokeTokenAction = defineAction(
  z.object({ tokenId: z.number().int().positive() }),
  ANYONE,
  ({ tokenId }, { user }) => {
    const result = revokeApiToken(getDb(), user, tokenId);
    if (!result.ok) refuse(result.reason);
    revalidatePath("/account/tokens");
  },
);
