/**
 * Webhooks: an admin registers a URL for some of the events submitted, returned, verified and finalised. Each event
 * is queued (webhook_deliveries) inside the transaction that makes it happen, so none is lost and none is sent for
 * a change that was rolled back; dispatchWebhooks posts the queued ones, signed with the webhook's secret
 * (lib/webhooks/signature.ts), and retries a failure with backoff until its attempts run out. Every delivery is kept
 * as the delivery log.
 */
import "server-only";
import { randomBytes } from "node:crypto";
import { and, desc, eq, lte } from "drizzle-orm";
import { isAdmin } from "@/lib/auth/policy";
import type { SessionUser } from "@/lib/domain";
import { logger } from "@/lib/server/logger";
import type { WebhookEvent } from "@/lib/webhooks/events";
import { signWebhook } from "@/lib/webhooks/signature";
import { appendAudit } from "./audit";
import type { Db, Tx } from "./client";
import { webhookDeliveries, webhooks } from "./schema";

/** Attempts before a delivery counts as failed, and the wait before each retry (1 min, 5 min, 30 min, 2 h, 12 h). */
const MAX_ATTEMPTS = 6;
const BACKOFF_MINUTES = [1, 5, 30, 120, 720];
/** How long a receiver may take to answer, and a run at most (the next run takes up the rest). */
const TIMEOUT_MS = 10_000;
const RUN_MS = 60_000;

export type WebhookRefusal = "roleNotAllowed" | "notFound";

export function createWebhook(
  db: Db,
  admin: SessionUser,
  input: { url: string; events: WebhookEvent[] },
): { ok: true; id: number; secret: string } | { ok: false; reason: WebhookRefusal } {
  if (!isAdmin(admin)) return { ok: false, reason: "roleNotAllowed" };
  const secret = randomBytes(32).toString("hex");
  return db.transaction(
    (tx) => {
      const { id } = tx
        .insert(webhooks)
        .values({ url: input.url, secret, events: input.events, createdBy: admin.id })
        .returning({ id: webhooks.id })
        .get();
      appendAudit(tx, {
        actorId: admin.id,
        action: "webhook.created",
        entityType: "webhook",
        entityId: id,
        after: { url: input.url, events: input.events },
      });
      return { ok: true as const, id, secret };
    },
    { behavior: "immediate" },
  );
}

export function setWebhookActive(
  db: Db,
  admin: SessionUser,
  id: number,
  active: boolean,
): { ok: true } | { ok: false; reason: WebhookRefusal } {
  if (!isAdmin(admin)) return { ok: false, reason: "roleNotAllowed" };
  return db.transaction(
    (tx) => {
      const row = tx.select().from(webhooks).where(eq(webhooks.id, id)).get();
      if (!row) return { ok: false as const, reason: "notFound" as const };
      tx.update(webhooks).set({ active }).where(eq(webhooks.id, id)).run();
      appendAudit(tx, {
        actorId: admin.id,
        action: active ? "webhook.activated" : "webhook.deactivated",
        entityType: "webhook",
        entityId: id,
        before: { active: row.active },
        after: { active },
      });
      return { ok: true as const };
    },
    { behavior: "immediate" },
  );
}

/** A failed delivery, queued again now (its attempts start afresh). */
export function retryDelivery(
  db: Db,
  admin: SessionUser,
  deliveryId: number,
  now = new Date(),
): { ok: true } | { ok: false; reason: WebhookRefusal } {
  if (!isAdmin(admin)) return { ok: false, reason: "roleNotAllowed" };
  return db.transaction(
    (tx) => {
      const changed = tx
        .update(webhookDeliveries)
        .set({ status: "pending", attempts: 0, nextAttemptAt: now })
        .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.status, "failed")))
        .run().changes;
      if (!changed) return { ok: false as const, reason: "notFound" as const };
      appendAudit(tx, {
        actorId: admin.id,
        action: "webhook.delivery_retried",
        entityType: "webhook_delivery",
        entityId: deliveryId,
      });
      return { ok: true as const };
    },
    { behavior: "immediate" },
  );
}

export function listWebhooks(db: Db) {
  return db
    .select({
      id: webhooks.id,
      url: webhooks.url,
      events: webhooks.events,
      active: webhooks.active,
      createdAt: webhooks.createdAt,
    })
    .from(webhooks)
    .orderBy(webhooks.id)
    .all();
}

/** The latest deliveries, newest first (the delivery log). */
export function listDeliveries(db: Db, limit = 100) {
  return db
    .select({
      id: webhookDeliveries.id,
      webhookId: webhookDeliveries.webhookId,
      url: webhooks.url,
      event: webhookDeliveries.event,
      status: webhookDeliveries.status,
      attempts: webhookDeliveries.attempts,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
      lastStatusCode: webhookDeliveries.lastStatusCode,
      lastError: webhookDeliveries.lastError,
      createdAt: webhookDeliveries.createdAt,
      deliveredAt: webhookDeliveries.deliveredAt,
    })
    .from(webhookDeliveries)
    .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
    .orderBy(desc(webhookDeliveries.id))
    .limit(limit)
    .all();
}

/**
 * Queues an event for every active webhook that wants it, inside the caller's transaction: the event and its
 * deliveries are written together or not at all.
 */
export function enqueueWebhookEvent(tx: Tx, event: WebhookEvent, data: Record<string, unknown>, now: Date): void {
  const targets = tx
    .select({ id: webhooks.id, events: webhooks.events })
    .from(webhooks)
    .where(eq(webhooks.active, true))
    .all()
    .filter((w) => w.events.includes(event));
  if (!targets.length) return;
  tx.insert(webhookDeliveries)
    .values(
      targets.map((w) => ({
        webhookId: w.id,
        event,
        body: JSON.stringify({ event, occurredAt: now.toISOString(), data }),
        nextAttemptAt: now,
        createdAt: now,
      })),
    )
    .run();
}

/**
 * Posts every delivery that is due, each claimed first by a conditional update (so two runs never post the same
 * one), signed, with a time limit; a 2xx marks it delivered, anything else schedules a retry or, after the last
 * attempt, marks it failed. Returns how many were delivered and how many are to be retried or failed.
 */
export async function dispatchWebhooks(
  db: Db,
  now = new Date(),
  post: typeof fetch = fetch,
): Promise<{ delivered: number; retrying: number; failed: number }> {
  const tally = { delivered: 0, retrying: 0, failed: 0 };
  const due = db
    .select({ delivery: webhookDeliveries, url: webhooks.url, secret: webhooks.secret })
    .from(webhookDeliveries)
    .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
    .where(and(eq(webhookDeliveries.status, "pending"), lte(webhookDeliveries.nextAttemptAt, now)))
    .orderBy(webhookDeliveries.id)
    .limit(200)
    .all();
  // Each receiver's deliveries in order, receivers side by side: a dead one holds up only its own.
  const byWebhook = new Map<number, typeof due>();
  for (const row of due) byWebhook.set(row.delivery.webhookId, [...(byWebhook.get(row.delivery.webhookId) ?? []), row]);
  const started = Date.now();
  await Promise.all(
    [...byWebhook.values()].map(async (rows) => {
      for (const row of rows) {
        // A run ends after a minute; the next one takes up the rest.
        if (Date.now() - started > RUN_MS) return;
        const outcome = await deliver(db, row, now, post);
        if (outcome) tally[outcome]++;
      }
    }),
  );
  return tally;
}

/** Claims and posts one delivery; what became of it, or null when another run had claimed it. */
async function deliver(
  db: Db,
  { delivery, url, secret }: { delivery: typeof webhookDeliveries.$inferSelect; url: string; secret: string },
  now: Date,
  post: typeof fetch,
): Promise<"delivered" | "retrying" | "failed" | null> {
  const attempt = delivery.attempts + 1;
  const wait = BACKOFF_MINUTES[Math.min(attempt - 1, BACKOFF_MINUTES.length - 1)]! * 60_000;
  const claimed = db
    .update(webhookDeliveries)
    .set({ attempts: attempt, nextAttemptAt: new Date(now.getTime() + wait) })
    .where(and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.attempts, delivery.attempts)))
    .run().changes;
  if (!claimed) return null;
  let statusCode: number | null = null;
  let error: string | null = null;
  try {
    // The moment it is posted, not when the run began: a receiver checks how old a message is.
    const timestamp = Math.floor(Date.now() / 1000);
    const response = await post(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "CityEval-Webhook/1",
        "x-cityeval-event": delivery.event,
        "x-cityeval-delivery": String(delivery.id),
        "x-cityeval-timestamp": String(timestamp),
        "x-cityeval-signature": signWebhook(secret, timestamp, delivery.body),
      },
      body: delivery.body,
      redirect: "manual",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    statusCode = response.status;
    await response.body?.cancel();
    if (!response.ok) error = `HTTP ${response.status}`;
  } catch (e) {
    // fetch says only "fetch failed": the cause names it (ECONNREFUSED, ENOTFOUND, a timeout …).
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    error = cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e));
  }
  const outcome = !error ? "delivered" : attempt >= MAX_ATTEMPTS ? "failed" : "pending";
  db.update(webhookDeliveries)
    .set({
      status: outcome,
      lastStatusCode: statusCode,
      lastError: error?.slice(0, 500) ?? null,
      deliveredAt: outcome === "delivered" ? now : null,
    })
    .where(eq(webhookDeliveries.id, delivery.id))
    .run();
  if (error) logger.warn({ deliveryId: delivery.id, url, error, attempt }, "webhook: delivery failed");
  return outcome === "pending" ? "retrying" : outcome;
}
