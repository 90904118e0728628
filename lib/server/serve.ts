import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { Logger } from "pino";
import { newRequestId, type RequestContext, requestContextStore } from "./request-context";

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** What a shutdown found: whether every running request finished within the grace period. */
export type DrainResult = { drained: boolean; unfinished: number; waitedMs: number };

/**
 * Whether a request renders a page (a document or a React Server Components payload): the expensive kind,
 * which waits its turn when many arrive at once. Saves, uploads, server actions (POST) and static files do not.
 */
export function rendersPage(method: string | undefined, url: string | undefined): boolean {
  if (method !== "GET" && method !== "HEAD") return false;
  const path = url ?? "/";
  return !path.startsWith("/api/") && !path.startsWith("/_next/") && !/\.[a-z0-9]+$/i.test(path.split("?")[0]!);
}

/**
 * At most `limit` holders at once; the others wait in arrival order. Used for page renders: Node.js shares its
 * one thread among every request in progress, so a burst of 200 renders started together finishes together,
 * late, and drags every autosave behind each of its steps. Admitted in order, renders finish one after another
 * and a save waits for at most `limit` of them.
 */
export class Gate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  async enter(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  leave(): void {
    const next = this.waiting.shift();
    if (next)
      next(); // the place passes straight to the next in line
    else this.active--;
  }

  get queued(): number {
    return this.waiting.length;
  }
}

/**
 * The HTTP server in front of Next.js's request handler. Per request: an id (X-Request-Id, in the request's
 * context for the application code) and one log line with the user, route, status and time (including any
 * wait for a page-render place, `pageConcurrency` at once). `shutdown()` stops taking requests (the listener
 * closes; a request arriving on a kept-alive connection gets 503 with Retry-After), lets the running and waiting
 * ones finish for at most `graceMs`, then closes the remaining connections.
 */
export function createAppServer(
  handle: RequestHandler,
  options: {
    logger: Logger;
    graceMs: number;
    pageConcurrency?: number;
    pageHoldMs?: number;
    stoppingMessage?: (req: IncomingMessage) => string;
  },
) {
  const { logger, graceMs } = options;
  const pages = new Gate(options.pageConcurrency ?? 4);
  let inFlight = 0;
  let draining = false;
  let onIdle: (() => void) | null = null;

  const server = http.createServer((req, res) => {
    const started = performance.now();
    const context: RequestContext = { requestId: newRequestId() };
    // Any id a client sent is replaced: the log must not carry ids a caller chose.
    req.headers["x-request-id"] = context.requestId;
    res.setHeader("X-Request-Id", context.requestId);
    inFlight++;
    res.on("close", () => {
      inFlight--;
      const status = res.statusCode;
      const line = {
        reqId: context.requestId,
        userId: context.userId,
        method: req.method,
        route: (req.url ?? "").split("?")[0] ?? "",
        status,
        ms: Math.round(performance.now() - started),
        ...(context.refusal ? { refusal: context.refusal } : {}),
        ...(res.writableFinished ? {} : { aborted: true }),
      };
      if (status === 503)
        logger.warn(line, "request"); // busy or restarting: expected, and retried
      else if (status >= 500) logger.error(line, "request");
      else if (line.route.startsWith("/_next/static/"))
        logger.debug(line, "request"); // a page's scripts and styles
      else logger.info(line, "request");
      if (draining && inFlight === 0) onIdle?.();
    });
    if (draining) {
      res.writeHead(503, {
        "Content-Type": "application/json; charset=utf-8",
        "Retry-After": "5",
        Connection: "close",
      });
      res.end(
        JSON.stringify({ error: "serverRestarting", message: options.stoppingMessage?.(req) ?? "serverRestarting" }),
      );
      return;
    }
    requestContextStore().run(context, () => {
      void serve(req, res).catch((error: unknown) => {
        logger.error({ reqId: context.requestId, err: error }, "request failed");
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      });
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!rendersPage(req.method, req.url)) return handle(req, res);
    await pages.enter();
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      pages.leave();
    };
    // The handler finishes when the client has read the whole page: a slow or stalled reader must not hold a
    // place, so after `pageHoldMs` (a render takes a fraction of that) the place passes on and the response
    // goes on outside the gate.
    const timer = setTimeout(leave, options.pageHoldMs ?? 2000);
    try {
      if (!res.destroyed) await handle(req, res); // a client that gave up while waiting costs no render
    } finally {
      clearTimeout(timer);
      leave();
    }
  }

  async function shutdown(): Promise<DrainResult> {
    const started = performance.now();
    draining = true;
    server.close();
    server.closeIdleConnections();
    if (inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        onIdle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    const unfinished = inFlight;
    server.closeAllConnections();
    return { drained: unfinished === 0, unfinished, waitedMs: Math.round(performance.now() - started) };
  }

  return { server, shutdown, inFlight: () => inFlight, pagesQueued: () => pages.queued };
}
