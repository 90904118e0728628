"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { AuthError, CredentialsSignin } from "next-auth";
import { z } from "zod";
import { getDb } from "@/db/client";
import { LOCALES } from "@/lib/domain";
import { getSessionUserByEmail, updateUserLocale } from "@/db/users";
import { ActionError, defineAction } from "@/lib/action";
import { signIn, SignInThrottled, signOut, updateSession } from "@/lib/auth/auth";
import { signInSchema } from "@/lib/auth/schemas";
import { homePath } from "@/lib/auth/session";
import { LOCALE_COOKIE } from "@/lib/i18n/config";

const ONE_YEAR = 60 * 60 * 24 * 365;

async function setLocaleCookie(locale: string) {
  (await cookies()).set(LOCALE_COOKIE, locale, { path: "/", maxAge: ONE_YEAR, sameSite: "lax" });
}

/** Signs in (setting the session cookie) or refuses with the one answer every account gets. */
async function signInOrRefuse(email: string, password: string) {
  try {
    await signIn("credentials", { email, password, redirect: false });
  } catch (error) {
    if (error instanceof SignInThrottled) throw new ActionError("signInThrottled", 429, { minutes: Math.max(1, Math.ceil((error.retryAt.getTime() - Date.now()) / 60_000)) });
    if (error instanceof CredentialsSignin || error instanceof AuthError) throw new ActionError("invalidCredentials");
    throw error;
  }
}

export const signInAction = defineAction(signInSchema, { public: true }, async ({ email, password }) => {
  await signInOrRefuse(email, password);
  // authorize() has saved the language chosen on the sign-in page, or kept the user's own.
  const user = getSessionUserByEmail(getDb(), email);
  if (!user) throw new ActionError("invalidCredentials");
  await setLocaleCookie(user.locale);
  redirect(homePath(user));
});

/** Signing in again where the session ended, without leaving the page, so that unsaved work is then sent. */
export const resumeSessionAction = defineAction(signInSchema, { public: true }, async ({ email, password }) => {
  await signInOrRefuse(email, password);
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
