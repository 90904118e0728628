import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";

/**
 * What the server knows about the request being handled, for its log line: an id that is also sent to the
 * browser (X-Request-Id, and shown as 错误编号 next to an unexpected error) and, once the session is read, the
 * user and any refusal. The HTTP server (scripts/server.ts) and the application code Next.js bundles are separate module
 * instances, so the store lives on globalThis under a registered symbol.
 */
export type RequestContext = {
  requestId: string;
  userId?: number;
  /** The key of an expected refusal (a server action answers 200 with it), for the log line. */
  refusal?: string;
  /** the personal access token an /api/v1 request came with: audit rows written for it say so */
  apiTokenId?: number;
};

const STORE = Symbol.for("cityeval.requestContext");
const holder = globalThis as unknown as { [STORE]?: AsyncLocalStorage<RequestContext> };

export function requestContextStore(): AsyncLocalStorage<RequestContext> {
  return (holder[STORE] ??= new AsyncLocalStorage<RequestContext>());
}

/** The context of the request being handled, if any (none in scripts and tests). */
export function requestContext(): RequestContext | undefined {
  return requestContextStore().getStore();
}

// Crockford's base32 without I, L, O, U: an id a clerk can read out on the phone without ambiguity.
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** 10 characters, 50 bits: unique enough to find one line among a year of logs. */
export function newRequestId(): string {
  return Array.from(randomBytes(10), (byte) => ALPHABET[byte & 31]).join("");
}
