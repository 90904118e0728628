/** Largest evidence file accepted, in bytes (EVIDENCE_MAX_MB, default 50). */
export function evidenceMaxBytes(): number {
  const mb = Number(process.env.EVIDENCE_MAX_MB ?? 50);
  return Math.floor((Number.isFinite(mb) && mb > 0 ? mb : 50) * 1024 * 1024);
}

/** Positive number from the environment, or the default (for a missing, empty, zero or garbled value). */
function positive(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/**
 * How long a session lasts: at most SESSION_MAX_HOURS after sign-in (default 8), and it ends after
 * SESSION_IDLE_MINUTES without a request (default 30). Autosave counts as activity.
 */
export function sessionLimits(): { maxAgeMs: number; idleMs: number } {
  return {
    maxAgeMs: positive("SESSION_MAX_HOURS", 8) * 3_600_000,
    idleMs: positive("SESSION_IDLE_MINUTES", 30) * 60_000,
  };
}

/**
 * How long the server waits for another process's write lock on the database (DB_BUSY_TIMEOUT_MS, default
 * 1000). better-sqlite3 waits on the event loop, so every request stalls meanwhile: short, and a request that
 * still finds the database locked is answered 503 "busy, retry" (autosave retries by itself). Scripts such as
 * seeding keep a longer wait; they have nothing else to do.
 */
export function serverBusyTimeoutMs(): number {
  return positive("DB_BUSY_TIMEOUT_MS", 1000);
}

/**
 * The HTTP server's settings: how long running requests may take to finish after SIGTERM
 * (SHUTDOWN_GRACE_SECONDS, 10) and how many pages render at once (PAGE_RENDER_CONCURRENCY, 4).
 */
export function serverSettings(): { graceMs: number; pageConcurrency: number } {
  return {
    graceMs: positive("SHUTDOWN_GRACE_SECONDS", 10) * 1000,
    pageConcurrency: Math.max(1, Math.floor(positive("PAGE_RENDER_CONCURRENCY", 4))),
  };
}

/**
 * How often the audit page hashes the whole chain again (AUDIT_FULL_CHECK_MINUTES, default 10). In between it
 * hashes only the rows added since the last intact one, and checks every signed head each time: a rewrite of
 * older rows that recomputed their hashes breaks a signed head; one that did not is caught by the next full check.
 */
export function auditFullCheckMs(): number {
  return positive("AUDIT_FULL_CHECK_MINUTES", 10) * 60_000;
}
