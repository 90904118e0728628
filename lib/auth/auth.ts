import { cookies } from "next/headers";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { getDb } from "@/db/client";
import { updateUserLocale, verifyCredentials } from "@/db/users";
import { authSecret } from "@/lib/config/secret";
import { isLocale, LOCALE_COOKIE } from "@/lib/i18n/config";
import { signInSchema } from "./schemas";

export class InvalidCredentials extends CredentialsSignin {
  code = "invalid";
}
export class AccountLocked extends CredentialsSignin {
  code = "locked";
}

export const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

// Lazy so that the secret (which may be generated into DATA_DIR) is only read when a request needs it.
export const { handlers, signIn, signOut, unstable_update: updateSession } = NextAuth(() => ({
  secret: authSecret(),
  // Self-hosted: the host header is trusted; set AUTH_URL to pin the canonical origin behind a proxy.
  trustHost: true,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/signin" },
  logger: {
    // A wrong password is an expected outcome (audited when it locks an account), not a server error.
    error(error) {
      if (error instanceof CredentialsSignin || error.name === "CredentialsSignin") return;
      console.error(error);
    },
  },
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(raw) {
        const parsed = signInSchema.safeParse(raw);
        if (!parsed.success) throw new InvalidCredentials();
        const outcome = await verifyCredentials(getDb(), parsed.data.email, parsed.data.password);
        if (!outcome.ok) throw outcome.reason === "locked" ? new AccountLocked() : new InvalidCredentials();
        const { user } = outcome;
        // A language chosen on the sign-in page becomes the user's preference.
        const chosen = (await cookies()).get(LOCALE_COOKIE)?.value;
        if (isLocale(chosen) && chosen !== user.locale) {
          updateUserLocale(getDb(), user.id, chosen);
          user.locale = chosen;
        }
        return { id: String(user.id), name: user.name, email: user.email, role: user.role, cityId: user.cityId, locale: user.locale };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user, trigger, session }) {
      if (user) {
        token.uid = Number(user.id);
        token.role = user.role;
        token.cityId = user.cityId;
        token.locale = user.locale;
      }
      const requested = (session as { user?: { locale?: unknown } } | undefined)?.user?.locale;
      if (trigger === "update" && isLocale(requested)) token.locale = requested;
      return token;
    },
    session({ session, token }) {
      session.user = {
        ...session.user,
        id: String(token.uid),
        role: token.role,
        cityId: token.cityId,
        locale: token.locale,
      };
      return session;
    },
  },
}));
