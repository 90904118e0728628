/**
 * `npm start`: the production server (after `next build`). Next.js's request handler behind our own HTTP server,
 * for a log line per request (lib/server/serve.ts) and a graceful shutdown: on SIGTERM or SIGINT it stops taking
 * requests, lets running ones finish for up to SHUTDOWN_GRACE_SECONDS (10), then exits, which checkpoints the
 * WAL into the database file and closes it (db/client.ts). A second signal exits at once. At most
 * PAGE_RENDER_CONCURRENCY (4) pages render at once; the others wait their turn (lib/server/serve.ts › Gate).
 *
 *   node --import tsx scripts/server.ts [--port 3000] [--hostname 0.0.0.0]
 */
import fs from "node:fs";
import type { IncomingMessage } from "node:http";
import { parseArgs } from "node:util";
import { serverSettings } from "@/lib/config/limits";
import { dataDir } from "@/lib/config/paths";
import { refuseWhileServerRuns } from "@/lib/config/server-lock";
import { LOCALES } from "@/lib/domain";
import { DEFAULT_LOCALE, isLocale, LOCALE_COOKIE } from "@/lib/i18n/config";
import { logger } from "@/lib/server/logger";
import { createAppServer } from "@/lib/server/serve";

/** "The server is restarting", in the language of the visitor's locale cookie (as the app picks it). */
const restarting = Object.fromEntries(
  LOCALES.map((locale) => [
    locale,
    (JSON.parse(fs.readFileSync(`messages/${locale}.json`, "utf8")) as { errors: { serverRestarting: string } }).errors
      .serverRestarting,
  ]),
);
function stoppingMessage(req: IncomingMessage): string {
  const chosen = new RegExp(`(?:^|;\\s*)${LOCALE_COOKIE}=([^;]+)`).exec(req.headers.cookie ?? "")?.[1];
  return restarting[isLocale(chosen) ? chosen : DEFAULT_LOCALE]!;
}

async function main() {
  const { values } = parseArgs({
    options: { port: { type: "string", short: "p" }, hostname: { type: "string", short: "H" } },
  });
  const port = Number(values.port ?? process.env.PORT ?? 3000);
  const hostname = values.hostname ?? "0.0.0.0";
  const { graceMs, pageConcurrency } = serverSettings();
  (process.env as Record<string, string>).NODE_ENV = "production";
  refuseWhileServerRuns(dataDir(), "npm start");

  const { default: next } = await import("next");
  const app = next({ dev: false, dir: process.cwd(), hostname, port });
  await app.prepare();
  const { server, shutdown } = createAppServer(app.getRequestHandler(), {
    logger,
    graceMs,
    pageConcurrency,
    stoppingMessage,
  });

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, graceMs }, "shutting down: no new requests, waiting for running ones");
    const result = await shutdown();
    await app.close().catch((error: unknown) => logger.error({ err: error }, "next.js close failed"));
    logger.info(
      result,
      result.drained
        ? "stopped: every running request finished"
        : "stopped: grace period over, unfinished requests cut",
    );
    process.exit(0); // the exit handlers checkpoint and close the database
  };
  process.on("SIGTERM", (signal) => void stop(signal));
  process.on("SIGINT", (signal) => void stop(signal));

  server.listen(port, hostname, () => logger.info({ url: `http://${hostname}:${port}`, pid: process.pid }, "ready"));
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, "server failed to start");
  process.exit(1);
});
