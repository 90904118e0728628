"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db/client";
import { changeOwnPassword, createUserByAdmin, resetPassword, setUserActive, unlockUser } from "@/db/users";
import { defineAction, type ErrorKey, refuse } from "@/lib/action";
import { signIn } from "@/lib/auth/auth";
import { changePasswordSchema, createUserSchema, PASSWORD_MIN } from "@/lib/auth/schemas";
import { homePath } from "@/lib/auth/session";

const ADMIN = { roles: ["admin"] } as const;
const userId = z.number().int().positive();

function check(result: { ok: true } | { ok: false; reason: ErrorKey }) {
  if (!result.ok) refuse(result.reason);
  revalidatePath("/admin/users");
}

export const createUserAction = defineAction(createUserSchema, ADMIN, async (input, { user }) => {
  const result = await createUserByAdmin(getDb(), user.id, {
    ...input,
    cityId: input.role === "city_staff" ? input.cityId : null,
  });
  check(result);
});

export const resetPasswordAction = defineAction(
  z.object({ userId, password: z.string().min(PASSWORD_MIN, { error: "passwordTooShort" }).max(200) }),
  ADMIN,
  async ({ userId: id, password }, { user }) => check(await resetPassword(getDb(), user.id, id, password)),
);

export const unlockUserAction = defineAction(z.object({ userId }), ADMIN, ({ userId: id }, { user }) =>
  check(unlockUser(getDb(), user.id, id)),
);

export const setUserActiveAction = defineAction(
  z.object({ userId, active: z.boolean() }),
  ADMIN,
  ({ userId: id, active }, { user }) => check(setUserActive(getDb(), user.id, id, active)),
);

export const changePasswordAction = defineAction(
  changePasswordSchema,
  { roles: ["admin", "reviewer", "city_staff", "department_staff"], temporaryPassword: true },
  async ({ current, next }, { user }) => {
    const result = await changeOwnPassword(getDb(), user.id, current, next);
    if (!result.ok) refuse(result.reason);
    // Every session of the user has ended, copies of this cookie included; this browser gets a new one
    // (unless signing in is throttled for this address right now: then the sign-in page, with the new password).
    const signedIn = await signIn("credentials", { email: user.email, password: next, redirect: false }).then(
      () => true,
      () => false,
    );
    redirect(signedIn ? homePath(user) : "/signin");
  },
);
