/**
 * The one wrapper of /api/v1 route handlers: a bearer token (db/api-tokens.ts) instead of the session cookie, a
 * rate limit per token, the role and scope the endpoint needs, and one error body for every refusal:
 * `{ code, message, fieldErrors? , …details }`, the message translated by Accept-Language (else the token user's
 * language). Ownership of every id stays with the endpoint and the data layer, as for the app's own routes.
 */
import "server-only";
import { type NextRequest, NextResponse } from "next/server";
import { createTranslator } from "next-intl";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { authenticateToken, type TokenScope } from "@/db/api-tokens";
import { getDb, isDatabaseBusy } from "@/db/client";
import { ActionError } from "@/lib/action";
import { bearerToken } from "@/lib/api/token";
import type { Locale, Role, SessionUser } from "@/lib/domain";
import { splitErrorKey, unexpectedKey } from "@/lib/error-reference";
import { logger } from "@/lib/server/logger";
import { requestContext } from "@/lib/server/request-context";
import en from "@/messages/en.json";
import zhCN from "@/messages/zh-CN.json";

type Access = { public: true } | { roles: readonly Role[]; scope: TokenScope };
type Ctx<A extends Access> = { locale: Locale } & (A extends { public: true }
  ? object
  : { user: SessionUser; scope: TokenScope });

/** Requests per token and minute (API_RATE_LIMIT_PER_MINUTE, 120 by default). */
function rateLimit(): number {
  const n = Number(process.env.API_RATE_LIMIT_PER_MINUTE ?? 120);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 120;
}
let limiter: RateLimiterMemory | undefined;
function limiterFor(points: number): RateLimiterMemory {
  if (limiter?.points !== points) limiter = new RateLimiterMemory({ points, duration: 60 });
  return limiter;
}

function localeOf(request: NextRequest, user: SessionUser | null): Locale {
  const accepted = request.headers.get("accept-language")?.toLowerCase() ?? "";
  if (/^\s*en\b/.test(accepted)) return "en";
  if (/^\s*zh\b/.test(accepted)) return "zh-CN";
  return user?.locale ?? "zh-CN";
}

/** The error body every /api/v1 refusal has. */
export function apiError(error: ActionError, locale: Locale, headers?: Record<string, string>): NextResponse {
  const { key, reference } = splitErrorKey(error.key);
  const t = createTranslator({ locale, messages: locale === "en" ? en : zhCN, namespace: "errors" });
  const { fieldErrors, ...details } = (error.details ?? {}) as { fieldErrors?: Record<string, string[]> };
  const values = { ...details, ...(reference ? { reference } : {}) } as Record<string, string | number>;
  // Keys are checked against zh-CN at compile time where they are thrown (lib/action.ts ErrorKey).
  const translate = (k: string) =>
    t.has(k as "unexpected") ? t(k as "unexpected", values as never) : t("unexpected", values as never);
  const body = {
    code: reference ? "unexpected" : key,
    message: translate(key),
    ...(fieldErrors
      ? { fieldErrors: Object.fromEntries(Object.entries(fieldErrors).map(([f, keys]) => [f, keys.map(translate)])) }
      : {}),
    ...details,
    ...(reference ? { reference } : {}),
  };
  return NextResponse.json(body, { status: error.status, headers });
}

export function defineApiRoute<P extends Record<string, string | string[]>, A extends Access>(
  access: A,
  run: (request: NextRequest, ctx: Ctx<A> & { params: P }) => Promise<Response>,
): (request: NextRequest, context: { params: Promise<P> }) => Promise<Response> {
  return async (request, context) => {
    let locale = localeOf(request, null);
    try {
      if ("public" in access)
        return await run(request, { locale, params: await context.params } as Ctx<A> & { params: P });
      const token = bearerToken(request.headers.get("authorization"));
      const auth = token ? authenticateToken(getDb(), token) : null;
      if (!auth) throw new ActionError("tokenInvalid", 401);
      const current = requestContext();
      if (current) {
        current.userId = auth.user.id;
        current.apiTokenId = auth.tokenId;
      }
      locale = localeOf(request, auth.user);
      const limit = rateLimit();
      let remaining: number;
      try {
        remaining = (await limiterFor(limit).consume(String(auth.tokenId))).remainingPoints;
      } catch (rejected) {
        if (!(rejected instanceof RateLimiterRes)) throw rejected;
        const seconds = Math.max(1, Math.ceil(rejected.msBeforeNext / 1000));
        return apiError(new ActionError("rateLimited", 429, { seconds }), locale, {
          "Retry-After": String(seconds),
          "X-RateLimit-Limit": String(limit),
          "X-RateLimit-Remaining": "0",
        });
      }
      if (!access.roles.includes(auth.user.role)) throw new ActionError("roleNotAllowed", 403);
      if (access.scope === "write" && auth.scope !== "write") throw new ActionError("tokenReadOnly", 403);
      const response = await run(request, {
        locale,
        user: auth.user,
        scope: auth.scope,
        params: await context.params,
      } as Ctx<A> & { params: P });
      response.headers.set("X-RateLimit-Limit", String(limit));
      response.headers.set("X-RateLimit-Remaining", String(remaining));
      return response;
    } catch (error) {
      if (error instanceof ActionError) return apiError(error, locale);
      if (isDatabaseBusy(error)) return apiError(new ActionError("databaseBusy", 503), locale, { "Retry-After": "2" });
      const reference = requestContext()?.requestId ?? crypto.randomUUID();
      logger.error({ reqId: reference, err: error }, "api: unexpected error");
      return apiError(new ActionError(unexpectedKey(reference), 500), locale);
    }
  };
}
