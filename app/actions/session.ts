"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { AuthError, CredentialsSignin } from "next-auth";
import { z } from "zod";
import { getDb, isDatabaseBusy } from "@/db/client";
import { getSessionUserByEmail, updateUserLocale } from "@/db/users";
import { ActionError, defineAction } from "@/lib/action";
import { SignInThrottled, signIn, signOut, updateSession } from "@/lib/auth/auth";
import { DEVICE_COOKIE, DEVICE_COOKIE_MAX_AGE_SECONDS, deviceIdOf, newDeviceToken } from "@/lib/auth/device";
import { signInSchema } from "@/lib/auth/schemas";
import { homePath } from "@/lib/auth/session";
import { authSecret } from "@/lib/config/secret";
import { LOCALES } from "@/lib/domain";
import { LOCALE_COOKIE } from "@/lib/i18n/config";

const ONE_YEAR = 60 * 60 * 24 * 365;

async function setLocaleCookie(locale: string) {
  (await cookies()).set(LOCALE_COOKIE, locale, { path: "/", maxAge: ONE_YEAR, sameSite: "lax" });
}

/**
 * Signs in (setting the session cookie, and the device cookie that keeps strangers' failed attempts from
 * locking this browser out: lib/auth/device.ts) or refuses with the one answer every account gets.
 */
async function signInOrRefuse(email: string, password: string) {
  try {
    await signIn("credentials", { email, password, redirect: false });
    const store = await cookies();
    if (!deviceIdOf(store.get(DEVICE_COOKIE)?.value, email, authSecret())) {
      const secure = (await headers()).get("x-forwarded-proto") === "https";
      store.set(DEVICE_COOKIE, newDeviceToken(email, authSecret()), {
        httpOnly: true,
        sameSite: "lax",
        secure,
        path: "/",
        maxAge: DEVICE_COOKIE_MAX_AGE_SECONDS,
      });
    }
  } catch (error) {
    // Another process held the database's write lock while the sign-in was recorded: say so, not "wrong password".
    if (causes(error).some(isDatabaseBusy)) throw new ActionError("databaseBusy", 503);
    if (error instanceof SignInThrottled)
      throw new ActionError("signInThrottled", 429, {
        minutes: Math.max(1, Math.ceil((error.retryAt.getTime() - Date.now()) / 60_000)),
      });
    if (error instanceof CredentialsSignin || error instanceof AuthError) throw new ActionError("invalidCredentials");
    throw error;
  }
}

/** The error and what it wraps: Auth.js hands on an error thrown while signing in as the `cause` of its own. */
function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let at = error; at && chain.length < 5; at = (at as { cause?: { err?: unknown } | unknown }).cause) {
    chain.push(at);
    const wrapped = (at as { cause?: { err?: unknown } }).cause?.err;
    if (wrapped) chain.push(wrapped);
  }
  return chain;
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
  // The page compares it with the user it was opened for: work waiting for one account is never sent as another.
  return { userId: getSessionUserByEmail(getDb(), email)?.id ?? null };
});

export const setLocaleAction = defineAction(
  z.object({ locale: z.enum(LOCALES) }),
  { public: true },
  async ({ locale }, { user }) => {
    await setLocaleCookie(locale);
    if (user) {
      updateUserLocale(getDb(), user.id, locale);
      await updateSession({ user: { locale } });
    }
  },
);

export async function signOutAction() {
  await signOut({ redirectTo: "/signin" });
}
