"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { AuthError, CredentialsSignin } from "next-auth";
import { z } from "zod";
import { getDb } from "@/db/client";
import { LOCALES } from "@/db/schema";
import { getSessionUserByEmail, updateUserLocale } from "@/db/users";
import { ActionError, defineAction } from "@/lib/action";
import { signIn, signOut, updateSession } from "@/lib/auth/auth";
import { signInSchema } from "@/lib/auth/schemas";
import { homePath } from "@/lib/auth/session";
import { LOCALE_COOKIE } from "@/lib/i18n/config";

const ONE_YEAR = 60 * 60 * 24 * 365;

async function setLocaleCookie(locale: string) {
  (await cookies()).set(LOCALE_COOKIE, locale, { path: "/", maxAge: ONE_YEAR, sameSite: "lax" });
}

export const signInAction = defineAction(signInSchema, { public: true }, async ({ email, password }) => {
  try {
    await signIn("credentials", { email, password, redirect: false });
  } catch (error) {
    if (error instanceof CredentialsSignin) throw new ActionError(error.code === "locked" ? "accountLocked" : "invalidCredentials");
    if (error instanceof AuthError) throw new ActionError("invalidCredentials");
    throw error;
  }
  // authorize() has saved the language chosen on the sign-in page, or kept the user's own.
  const user = getSessionUserByEmail(getDb(), email);
  if (!user) throw new ActionError("invalidCredentials");
  await setLocaleCookie(user.locale);
  redirect(homePath(user));
});

export const setLocaleAction = defineAction(z.object({ locale: z.enum(LOCALES) }), { public: true }, async ({ locale }, { user }) => {
  await setLocaleCookie(locale);
  if (user) {
    updateUserLocale(getDb(), user.id, locale);
    await updateSession({ user: { locale } });
  }
});

export async function signOutAction() {
  await signOut({ redirectTo: "/signin" });
}
