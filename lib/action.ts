import { unstable_rethrow } from "next/navigation";
import { type NextRequest, NextResponse } from "next/server";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { isDatabaseBusy } from "@/db/client";
import { currentUser } from "@/lib/auth/session";
import type { Role, SessionUser } from "@/lib/domain";
import { splitErrorKey, unexpectedKey } from "@/lib/error-reference";
import { logger } from "@/lib/server/logger";
import { requestContext } from "@/lib/server/request-context";
import zhCN from "@/messages/zh-CN.json";

/** What every server action returns. Messages are keys of the "errors" namespace in messages/*.json. */
export type ActionResult<T = undefined> =
  | { ok: true; data: T }
  | { ok: false; formError?: string; fieldErrors?: Record<string, string[]>; details?: Record<string, unknown> };

/**
 * A key of the "errors" namespace of messages/*.json: a refusal without a translation is a type error (the
 * messages test keeps zh-CN and en alike). An unexpected error's key carries its reference (lib/error-reference.ts).
 */
export type ErrorKey = keyof (typeof zhCN)["errors"];
type RefusalKey = ErrorKey | `unexpected#${string}`;

const ERROR_KEYS = new Set(Object.keys(zhCN.errors));

/** A schema's message as a key: schemas give keys; anything else (not expected) is the generic field error. */
export function toErrorKey(message: string | undefined): ErrorKey {
  return message !== undefined && ERROR_KEYS.has(message) ? (message as ErrorKey) : "invalidField";
}

/**
 * Thrown by an action or route body to refuse with a translated message and, for route handlers, an HTTP
 * status: `throw new ActionError("roundNotOpen", 409)`.
 */
export class ActionError extends Error {
  constructor(
    public readonly key: RefusalKey,
    public readonly status = 400,
    public readonly details?: Record<string, unknown>,
  ) {
    super(key);
  }
}

/**
 * Who may call: anyone, or signed-in users of these roles. A user who holds a temporary password may only
 * call what is marked `temporaryPassword: true` (changing it), as pages send them to /account/password first.
 */
type Access = { public: true } | { roles: readonly Role[]; temporaryPassword?: true };
type Ctx<A extends Access> = A extends { public: true } ? { user: SessionUser | null } : { user: SessionUser };

/** Authenticates and authorizes by role; the body then checks every id it gets against the user. */
async function authorize(access: Access): Promise<{ user: SessionUser | null } | ActionError> {
  const user = await currentUser();
  if ("public" in access) return { user };
  if (!user) return new ActionError("unauthenticated", 401);
  if (!access.roles.includes(user.role)) return new ActionError("forbidden", 403);
  if (user.mustChangePassword && !access.temporaryPassword) return new ActionError("passwordChangeRequired", 403);
  return { user };
}

/**
 * The path of the first text that is not well-formed Unicode (a lone UTF-16 surrogate, which no database
 * text, audit row or canonical JSON can hold), "" for the input itself, or null when every text is fine.
 * Walks the value with its own stack, so that thousands of nested arrays cannot overflow the call stack.
 */
export function malformedTextPath(value: unknown): string | null {
  type Node = { value: unknown; key: string; parent: Node | null };
  // The path is spelled out only for the text found: building it at every level would cost the square of the depth.
  const pathOf = (node: Node | null): string => {
    const keys: string[] = [];
    for (let at = node; at?.parent; at = at.parent) keys.push(at.key);
    return keys.reverse().join(".");
  };
  const pending: Node[] = [{ value, key: "", parent: null }];
  while (pending.length) {
    const node = pending.pop()!;
    if (typeof node.value === "string") {
      if (!node.value.isWellFormed()) return pathOf(node);
      continue;
    }
    if (typeof node.value !== "object" || node.value === null) continue;
    const entries = Object.entries(node.value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, inner] = entries[i]!;
      if (!key.isWellFormed()) return pathOf(node);
      pending.push({ value: inner, key, parent: node });
    }
  }
  return null;
}

function refuseMalformedText(value: unknown) {
  const path = malformedTextPath(value);
  if (path !== null)
    throw new ActionError(
      "textNotWellFormed",
      400,
      path ? { fieldErrors: { [path]: ["textNotWellFormed"] } } : undefined,
    );
}

/**
 * Parses with a schema whose own messages are keys of the "errors" namespace; a check that names none (a wrong
 * type, say) reports "invalidField" instead of zod's English text, so that every field error is translated.
 */
export function parseWithKeys<S extends z.ZodType>(schema: S, input: unknown) {
  return schema.safeParse(input, { error: () => "invalidField" });
}

/**
 * Parses one field of an action's input whose schema is known only once the data it names is loaded (an adjusted
 * value, by its item), or refuses with a 400 that names the field.
 */
export function parseField<S extends z.ZodType>(schema: S, value: unknown, field: string): z.output<S> {
  const parsed = parseWithKeys(schema, value);
  if (parsed.success) return parsed.data;
  const key = toErrorKey(parsed.error.issues[0]?.message);
  throw new ActionError(key, 400, { fieldErrors: { [field]: [key] } });
}

function fieldErrorsOf(error: z.ZodError) {
  const { formErrors, fieldErrors } = z.flattenError(error);
  const keys = Object.fromEntries(
    Object.entries(fieldErrors as Record<string, string[]>).map(([field, messages]) => [
      field,
      messages.map(toErrorKey),
    ]),
  );
  return {
    formError: formErrors[0] === undefined ? ("invalidInput" as const) : toErrorKey(formErrors[0]),
    fieldErrors: keys,
  };
}

/**
 * The one wrapper of every server action (they are public HTTP endpoints):
 * parse with zod → authenticate → authorize by role → run.
 */
export function defineAction<S extends z.ZodType, A extends Access, T>(
  schema: S,
  access: A,
  run: (input: z.output<S>, ctx: Ctx<A>) => Promise<T> | T,
): (input: z.input<S>) => Promise<ActionResult<T>> {
  return async (input) => {
    const malformed = malformedTextPath(input);
    if (malformed !== null)
      return refused({
        ok: false,
        formError: "textNotWellFormed",
        fieldErrors: malformed ? { [malformed]: ["textNotWellFormed"] } : undefined,
      });
    const parsed = parseWithKeys(schema, input);
    if (!parsed.success) return refused({ ok: false, ...fieldErrorsOf(parsed.error) });
    try {
      const auth = await authorize(access);
      if (auth instanceof ActionError) return refused({ ok: false, formError: auth.key });
      return { ok: true, data: await run(parsed.data, auth as Ctx<A>) };
    } catch (error) {
      if (error instanceof ActionError) return refused({ ok: false, formError: error.key, details: error.details });
      if (isDatabaseBusy(error)) return refused({ ok: false, formError: "databaseBusy" });
      unstable_rethrow(error); // redirects and notFound are how an action navigates
      return { ok: false, formError: unexpectedKey(reportUnexpected(error)) };
    }
  };
}

/** An expected refusal: the request's log line names it; no stack trace, nothing to investigate. */
function refused(result: Extract<ActionResult, { ok: false }>): Extract<ActionResult, { ok: false }> {
  const context = requestContext();
  if (context) context.refusal = result.formError ?? "invalidInput";
  return result;
}

/**
 * A bug: logged with its stack under the request's id, which the user sees as 错误编号 (`reference`) so that
 * support can find the line.
 */
function reportUnexpected(error: unknown): string | undefined {
  const reference = requestContext()?.requestId;
  logger.error({ reqId: reference, err: error }, "unexpected error");
  return reference;
}

/** A JSON error response with the key, its translation and any details. */
export async function errorResponse(error: ActionError): Promise<NextResponse> {
  const { key, reference } = splitErrorKey(error.key);
  if (!reference) refused({ ok: false, formError: error.key });
  const t = await getTranslations("errors");
  const values = { ...error.details, ...(reference ? { reference } : {}) } as Record<string, string | number>;
  const message = t.has(key) ? t(key, values) : t("unexpected");
  return NextResponse.json(
    { error: reference ? "unexpected" : error.key, message, ...error.details, ...(reference ? { reference } : {}) },
    { status: error.status },
  );
}

/** Largest JSON body a route handler reads: an answer with its reason is a few hundred bytes. */
export const JSON_MAX_BYTES = 64 * 1024;

/**
 * Parses a JSON body of at most JSON_MAX_BYTES with a schema: a larger one is refused with 413 while it is
 * read, before it is buffered or parsed; bad input with 400 and the field errors.
 */
export async function parseJsonBody<S extends z.ZodType>(request: Request, schema: S): Promise<z.output<S>> {
  const bytes = await readBody(
    request,
    JSON_MAX_BYTES,
    new ActionError("bodyTooLarge", 413, { max: JSON_MAX_BYTES / 1024 }),
  );
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new ActionError("invalidInput", 400);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new ActionError("bodyNotObject", 400);
  refuseMalformedText(body);
  const parsed = parseWithKeys(schema, body);
  if (!parsed.success) {
    const { formError, fieldErrors } = fieldErrorsOf(parsed.error);
    throw new ActionError(formError, 400, { fieldErrors });
  }
  return parsed.data;
}

/**
 * An uploaded file sent as the raw body, read up to `maxMb`: a missing or lying Content-Length must not let a
 * huge upload into memory. Refuses an empty body too.
 */
export async function readLimitedBody(request: Request, maxMb: number): Promise<Uint8Array> {
  const bytes = await readBody(request, maxMb * 1024 * 1024, new ActionError("fileTooLarge", 413, { max: maxMb }));
  if (bytes.byteLength === 0) throw new ActionError("fileEmpty", 400);
  return bytes;
}

/** The body, refused with `tooLarge` as soon as Content-Length or the bytes read so far pass `maxBytes`. */
export async function readBody(request: Request, maxBytes: number, tooLarge: ActionError): Promise<Uint8Array> {
  if (Number(request.headers.get("content-length") ?? 0) > maxBytes) throw tooLarge;
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body?.getReader();
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Whether a state-changing request may proceed: browsers send `Origin` with every cross-site POST, PUT, PATCH
 * and DELETE, so a foreign one is a cross-site request forgery (SameSite=Lax cookies alone do not stop a
 * form or `text/plain` fetch from a sibling site). Requests without `Origin` come from non-browser clients.
 * Hosts are compared, as Next.js does for server actions: behind a TLS proxy the scheme the server sees differs.
 */
export function isAllowedOrigin(method: string, origin: string | null, ownHosts: string[]): boolean {
  if (SAFE_METHODS.has(method.toUpperCase()) || origin === null) return true;
  try {
    return ownHosts.includes(new URL(origin).host);
  } catch {
    return false; // "null" (a sandboxed or file page) or garbage
  }
}

/** The host the browser addressed (as the proxy forwarded it), and `AUTH_URL`'s. */
function ownHosts(request: NextRequest): string[] {
  const hosts = [request.headers.get("x-forwarded-host") ?? request.headers.get("host") ?? request.nextUrl.host];
  const configured = process.env.AUTH_URL;
  if (configured && URL.canParse(configured)) hosts.push(new URL(configured).host);
  return hosts;
}

/** The same wrapper for route handlers: origin check → authenticate → authorize → run; refusals become 4xx JSON. */
export function defineRoute<P extends Record<string, string>, A extends Access>(
  access: A,
  run: (request: NextRequest, ctx: Ctx<A> & { params: P }) => Promise<Response>,
): (request: NextRequest, context: { params: Promise<P> }) => Promise<Response> {
  return async (request, context) => {
    if (!isAllowedOrigin(request.method, request.headers.get("origin"), ownHosts(request)))
      return errorResponse(new ActionError("foreignOrigin", 403));
    try {
      const auth = await authorize(access);
      if (auth instanceof ActionError) return errorResponse(auth);
      return await run(request, { ...(auth as Ctx<A>), params: await context.params });
    } catch (error) {
      if (error instanceof ActionError) return errorResponse(error);
      if (isDatabaseBusy(error)) {
        const response = await errorResponse(new ActionError("databaseBusy", 503));
        response.headers.set("Retry-After", "2");
        return response;
      }
      unstable_rethrow(error);
      return errorResponse(new ActionError(unexpectedKey(reportUnexpected(error)), 500));
    }
  };
}

/** HTTP status of each refusal from the workflow or the data layer that is not a plain conflict (409). */
const REFUSAL_STATUS: Partial<Record<ErrorKey, number>> = {
  notFound: 404,
  forbidden: 403,
  roleNotAllowed: 403,
  notAssigned: 403,
  notYourItem: 403,
  sameReviewerTwice: 403,
  chooseReviewers: 400,
  wrongPassword: 400,
  frameworkChanged: 412,
  fileTooLarge: 413,
  bodyTooLarge: 413,
  fileTypeNotAllowed: 415,
  importFileType: 415,
  importNotUtf8: 415,
  fileEmpty: 400,
  importUnreadable: 400,
};

/** HTTP status of a refusal from the workflow or the data layer: the one map of reason → status. */
export function refusalStatus(reason: ErrorKey): number {
  return REFUSAL_STATUS[reason] ?? 409;
}

/** Refuses with the reason a workflow or data-layer function gave, as its translated 4xx. */
export function refuse(reason: ErrorKey): never {
  throw new ActionError(reason, refusalStatus(reason));
}
