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
