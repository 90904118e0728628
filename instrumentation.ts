/**
 * Runs once when the server starts (Next.js instrumentation), before it takes requests: claims DATA_DIR for this
 * server alone (a second server, seeding or a second demo against it is then refused), and removes what uploads
 * interrupted by a crash or a kill left in the evidence store's temporary directory. Since no other server can
 * use DATA_DIR and this one takes no request yet, no upload can be in flight: every temporary file is debris.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const [{ evidenceStore }, { claimDataDir }, { dataDir }] = await Promise.all([
    import("@/lib/storage"),
    import("@/lib/config/server-lock"),
    import("@/lib/config/paths"),
  ]);
  claimDataDir(dataDir());
  const { logger } = await import("@/lib/server/logger");
  const swept = await evidenceStore().sweepTemp(0);
  if (swept.files) logger.info(swept, "evidence: removed temporary files of interrupted uploads");
  await scheduleReminders(logger);
  await scheduleWebhooks(logger);
}

/**
 * Webhook deliveries (db/webhooks.ts): every WEBHOOK_DISPATCH_SECONDS (15 by default; 0 turns them off) this server
 * posts the queued events that are due, retries included. One run at a time: a slow receiver never stacks runs.
 */
async function scheduleWebhooks(logger: typeof import("@/lib/server/logger").logger) {
  const seconds = Number(process.env.WEBHOOK_DISPATCH_SECONDS ?? 15);
  if (!Number.isFinite(seconds) || seconds <= 0) return;
  const [{ getDb }, { dispatchWebhooks }] = await Promise.all([import("@/db/client"), import("@/db/webhooks")]);
  let running = false;
  setInterval(() => {
    if (running) return;
    running = true;
    dispatchWebhooks(getDb())
      .then(
        (tally) => tally.delivered + tally.retrying + tally.failed > 0 && logger.info(tally, "webhooks: dispatched"),
      )
      .catch((err: unknown) => logger.error({ err }, "webhooks: dispatch failed"))
      .finally(() => {
        running = false;
      });
  }, seconds * 1000).unref();
}

/**
 * Automatic reminders (催报): every REMINDER_CHECK_MINUTES (10 by default; 0 turns the check off) this server
 * sends those due (db/reminders.ts sendDueReminders, which never reminds a city of a deadline twice) and retries
 * the e-mails that failed, the first time a minute after starting.
 */
async function scheduleReminders(logger: typeof import("@/lib/server/logger").logger) {
  const minutes = Number(process.env.REMINDER_CHECK_MINUTES ?? 10);
  if (!Number.isFinite(minutes) || minutes <= 0) return;
  const [{ getDb }, { deliverReminderEmails, sendDueReminders }] = await Promise.all([
    import("@/db/client"),
    import("@/db/reminders"),
  ]);
  // The reminders due, then every e-mail still to send or to retry (an SMTP server that was down).
  const run = () =>
    sendDueReminders(getDb())
      .then(async (runs) => {
        if (runs.length) logger.info({ runs }, "reminders: automatic reminders sent");
        const mail = await deliverReminderEmails(getDb());
        if (mail.sent || mail.failed) logger.info(mail, "reminders: e-mails delivered");
      })
      .catch((err: unknown) => logger.error({ err }, "reminders: the automatic check failed"));
  setTimeout(run, 60_000).unref();
  setInterval(run, minutes * 60_000).unref();
}

/**
 * A request that failed on the server (a page, an action or a route handler threw): one structured line with the
 * request's id and the digest the error page shows the user as 错误编号, so support can find it.
 */
export async function onRequestError(
  error: unknown,
  request: { path: string; method: string; headers: Record<string, string | string[] | undefined> },
  context: { routePath: string; routeType: string },
) {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { logger } = await import("@/lib/server/logger");
  logger.error(
    {
      reqId: request.headers["x-request-id"],
      digest: (error as { digest?: string } | null)?.digest,
      method: request.method,
      route: context.routePath,
      routeType: context.routeType,
      err: error,
    },
    "request failed",
  );
}
