import { cookies } from "next/headers";
import NextAuth, { AuthError, CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { getDb } from "@/db/client";
import { verifyCredentials } from "@/db/credentials";
import { createSession, endAllSessions, sessionUser } from "@/db/sessions";
import { ensureDailyCheckpoint } from "@/db/signatures";
import { updateUserLocale } from "@/db/users";
import { sessionLimits } from "@/lib/config/limits";
import { authSecret } from "@/lib/config/secret";
import { isLocale, LOCALE_COOKIE } from "@/lib/i18n/config";
import { DEVICE_COOKIE, deviceIdOf } from "./device";
import { signInSchema } from "./schemas";
import { clientAddress } from "./throttle";

export class InvalidCredentials extends CredentialsSignin {
  code = "invalid";
}
/** Too many failed attempts from this address or for this e-mail address; the answer is the same for every account. */
export class SignInThrottled extends CredentialsSignin {
  code = "throttled";
  constructor(readonly retryAt: Date) {
    super();
  }
}

/** Auth.js errors that mean a malformed or forged request, not a fault of the server. */
const REFUSED_REQUESTS = new Set<string>([
  "MissingCSRF",
  "UnknownAction",
  "InvalidCallbackUrl",
  "InvalidCheck",
  "UntrustedHost",
]);

// Lazy so that the secret (which may be generated into DATA_DIR) is only read when a request needs it.
export const {
  handlers,
  signIn,
  signOut,
  unstable_update: updateSession,
} = NextAuth(() => ({
  secret: authSecret(),
  // Self-hosted: the host header is trusted; set AUTH_URL to pin the canonical origin behind a proxy.
  trustHost: true,
  // The cookie is only a sealed pointer to a row of the sessions table (db/sessions.ts), which decides.
  session: { strategy: "jwt", maxAge: sessionLimits().maxAgeMs / 1000 },
  pages: { signIn: "/signin" },
  logger: {
    error(error) {
      // A wrong password is an expected outcome (audited when it blocks an account), not a server error.
      if (error instanceof CredentialsSignin || error.name === "CredentialsSignin") return;
      // So is a request without a valid CSRF token or with a bad action: refused, one line, no stack trace.
      if (error instanceof AuthError && REFUSED_REQUESTS.has(error.type)) {
        console.warn(`[auth] refused: ${error.type}`);
        return;
      }
      console.error(error);
    },
  },
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(raw, request) {
        const parsed = signInSchema.safeParse(raw);
        if (!parsed.success) throw new InvalidCredentials();
        const client = clientAddress(request.headers.get("x-forwarded-for"));
        const deviceId = deviceIdOf((await cookies()).get(DEVICE_COOKIE)?.value, parsed.data.email, authSecret());
        const outcome = await verifyCredentials(getDb(), parsed.data.email, parsed.data.password, { client, deviceId });
        if (!outcome.ok)
          throw outcome.reason === "throttled" ? new SignInThrottled(outcome.retryAt) : new InvalidCredentials();
        const { user } = outcome;
        // The audit chain's head is signed at least once a day that anyone works (db/signatures.ts); a failure
        // there (an unreadable key, a busy database) must not keep anyone from signing in.
        try {
          ensureDailyCheckpoint(getDb());
        } catch (error) {
          console.error("audit checkpoint not signed:", error);
        }
        // A language chosen on the sign-in page becomes the user's preference.
        const chosen = (await cookies()).get(LOCALE_COOKIE)?.value;
        if (isLocale(chosen) && chosen !== user.locale) {
          updateUserLocale(getDb(), user.id, chosen);
          user.locale = chosen;
        }
        return {
          id: String(user.id),
          name: user.name,
          email: user.email,
          role: user.role,
          cityId: user.cityId,
          locale: user.locale,
        };
      },
    }),
  ],
  events: {
    // Signing out ends every session of the user, not only this browser's.
    // A cookie whose session has already ended (copied, then revoked) cannot sign its owner out.
    signOut(message) {
      const token = "token" in message ? message.token : null;
      if (token?.sid && typeof token.uid === "number" && sessionUser(getDb(), token.sid, token.uid, sessionLimits()))
        endAllSessions(getDb(), token.uid);
    },
  },
  callbacks: {
    jwt({ token, user, trigger, session }) {
      if (user) {
        token.sid = createSession(getDb(), Number(user.id), sessionLimits());
        token.uid = Number(user.id);
        token.role = user.role;
        token.cityId = user.cityId;
        token.locale = user.locale;
      }
      // Auth.js's own endpoints (session update) must not revive a session that has ended.
      else if (!token.sid || !sessionUser(getDb(), token.sid, token.uid, sessionLimits())) return null;
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
