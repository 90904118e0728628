import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { Logger } from "pino";
import { newRequestId, requestContextStore, type RequestContext } from "./request-context";

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** What a shutdown found: whether every running request finished within the grace period. */
export type DrainResult = { drained: boolean; unfinished: number; waitedMs: number };

/**
 * The HTTP server in front of Next.js's request handler. Per request: an id (X-Request-Id, in the request's
 * context for the application code) and one log line with the user, route, status and time. `shutdown()`
 * stops taking requests (the listener closes; a request arriving on a kept-alive connection gets 503 with
 * Retry-After), lets the running ones finish for at most `graceMs`, then closes the remaining connections.
 */
export function createAppServer(handle: RequestHandler, options: { logger: Logger; graceMs: number }) {
  const { logger, graceMs } = options;
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
        route: (req.url ?? "").split("?")[0],
        status,
        ms: Math.round(performance.now() - started),
        ...(context.refusal ? { refusal: context.refusal } : {}),
        ...(res.writableFinished ? {} : { aborted: true }),
      };
      if (status >= 500) logger.error(line, "request");
      else logger.info(line, "request");
      if (draining && inFlight === 0) onIdle?.();
    });
    if (draining) {
      res.writeHead(503, { "Content-Type": "application/json; charset=utf-8", "Retry-After": "5", Connection: "close" });
      res.end(JSON.stringify({ error: "shuttingDown", message: "服务器正在重启，请稍后重试。The server is restarting; please retry shortly." }));
      return;
    }
    requestContextStore().run(context, () => {
      handle(req, res).catch((error: unknown) => {
        logger.error({ reqId: context.requestId, err: error }, "request failed");
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      });
    });
  });

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

  return { server, shutdown, inFlight: () => inFlight };
}
