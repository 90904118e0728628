import http from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { verifyWebhook } from "@/lib/webhooks/signature";
import { reopenRound } from "./finalise";
import { decideItem } from "./item-decisions";
import { approveSubmission, reopenSubmission, returnSubmission } from "./reviews";
import { rounds, webhookDeliveries } from "./schema";
import { createModuleBRound, createTestDb } from "./test-db";
import { createWebhook, dispatchWebhooks, listDeliveries, retryDelivery, setWebhookActive } from "./webhooks";

type Received = { headers: http.IncomingHttpHeaders; body: string };

/** A receiver that answers with the next status of `statuses` (then 200), keeping what it receives. */
async function receiver(statuses: number[] = []) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString("utf8");
    });
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.statusCode = statuses.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    received,
    url: `http://127.0.0.1:${port}/hook`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

let closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closing.map((c) => c()));
  closing = [];
});

const MINUTE = 60_000;

describe("webhooks", () => {
  it("sends each subscribed event once, signed, with what happened", async () => {
    const db = createTestDb();
    const round = await createModuleBRound(db, "webhooks");
    const hook = await receiver();
    closing.push(hook.close);
    const created = createWebhook(db, round.admin, { url: hook.url, events: ["submitted", "returned", "verified"] });
    if (!created.ok) throw new Error(created.reason);
    const submissionId = round.submitB();
    expect(await dispatchWebhooks(db)).toEqual({ delivered: 1, retrying: 0, failed: 0 });
    expect(await dispatchWebhooks(db)).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    const [first] = hook.received;
    expect(first!.headers["x-cityeval-event"]).toBe("submitted");
    expect(
      verifyWebhook(
        created.secret,
        {
          signature: String(first!.headers["x-cityeval-signature"]),
          timestamp: String(first!.headers["x-cityeval-timestamp"]),
        },
        first!.body,
      ),
    ).toBe(true);
    // The signature covers the body: a changed body, another secret or an old timestamp fails.
    const headers = {
      signature: String(first!.headers["x-cityeval-signature"]),
      timestamp: String(first!.headers["x-cityeval-timestamp"]),
    };
    expect(verifyWebhook(created.secret, headers, first!.body.replace("B", "C"))).toBe(false);
    expect(verifyWebhook("another", headers, first!.body)).toBe(false);
    expect(verifyWebhook(created.secret, headers, first!.body, Date.now() + 10 * MINUTE)).toBe(false);
    expect(JSON.parse(first!.body)).toMatchObject({
      event: "submitted",
      data: { roundId: round.roundId, cityCode: "hangzhou", moduleCode: "B", version: 1, submissionId },
    });

    // Returned, then verified after the second stage; the finalised event is not subscribed.
    decideItem(db, round.initial, {
      submissionId,
      itemId: round.itemId("B1.1"),
      version: 1,
      action: "query",
      comment: "请补充",
    });
    expect(returnSubmission(db, round.initial, submissionId, 1, "请修改").ok).toBe(true);
    await dispatchWebhooks(db);
    expect(JSON.parse(hook.received[1]!.body)).toMatchObject({ event: "returned", data: { queries: 1 } });
    expect(hook.received).toHaveLength(2);
  });

  it("tells receivers when verified values or final results are no longer final: a module or the round reopened", async () => {
    const db = createTestDb();
    const round = await createModuleBRound(db, "webhooks");
    const hook = await receiver();
    closing.push(hook.close);
    createWebhook(db, round.admin, { url: hook.url, events: ["verified", "reopened", "finalised", "round_reopened"] });
    const submissionId = round.submitB();
    expect(approveSubmission(db, round.initial, submissionId, 1).ok).toBe(true);
    expect(approveSubmission(db, round.final, submissionId, 1).ok).toBe(true);
    expect(reopenSubmission(db, round.admin, submissionId, "统计局更正了数据").ok).toBe(true);
    expect(approveSubmission(db, round.initial, submissionId, 2).ok).toBe(true);
    expect(approveSubmission(db, round.final, submissionId, 2).ok).toBe(true);
    round.closeAndFinalise();
    const digest = db.select().from(rounds).where(eq(rounds.id, round.roundId)).get()!.digest;
    expect(reopenRound(db, round.admin, round.roundId, "更正杭州数据").ok).toBe(true);
    await dispatchWebhooks(db);
    const bodies = hook.received.map((r) => JSON.parse(r.body) as { event: string; data: Record<string, unknown> });
    expect(bodies.map((b) => b.event)).toEqual(["verified", "reopened", "verified", "finalised", "round_reopened"]);
    expect(bodies[1]!.data).toEqual({
      roundId: round.roundId,
      cityCode: "hangzhou",
      moduleCode: "B",
      version: 2,
      submissionId,
      reason: "统计局更正了数据",
    });
    expect(bodies[4]!.data).toEqual({ roundId: round.roundId, previousDigest: digest, reason: "更正杭州数据" });
  });

  it("queues nothing for a change that was refused, nor for a deactivated webhook", async () => {
    const db = createTestDb();
    const round = await createModuleBRound(db, "webhooks");
    const created = createWebhook(db, round.admin, {
      url: "http://127.0.0.1:9/none",
      events: ["verified", "submitted"],
    });
    if (!created.ok) throw new Error(created.reason);
    const submissionId = round.submitB();
    // Approving at a stage the reviewer is not assigned to is refused: no event.
    expect(approveSubmission(db, round.final, submissionId, 1).ok).toBe(false);
    expect(
      db
        .select()
        .from(webhookDeliveries)
        .all()
        .map((d) => d.event),
    ).toEqual(["submitted"]);
    expect(setWebhookActive(db, round.admin, created.id, false)).toEqual({ ok: true });
    expect(approveSubmission(db, round.initial, submissionId, 1).ok).toBe(true);
    expect(approveSubmission(db, round.final, submissionId, 1).ok).toBe(true);
    expect(
      db
        .select()
        .from(webhookDeliveries)
        .all()
        .map((d) => d.event),
    ).toEqual(["submitted"]);
    // Only admins configure webhooks.
    expect(createWebhook(db, round.staff, { url: "http://x.example/", events: ["submitted"] })).toEqual({
      ok: false,
      reason: "roleNotAllowed",
    });
  });

  it("retries a failing receiver with backoff, gives up after six attempts, and can be queued again", async () => {
    const db = createTestDb();
    const round = await createModuleBRound(db, "webhooks");
    const hook = await receiver([500, 503, 500, 500, 500, 500]);
    closing.push(hook.close);
    const created = createWebhook(db, round.admin, { url: hook.url, events: ["submitted"] });
    if (!created.ok) throw new Error(created.reason);
    round.submitB();
    let now = new Date();
    expect(await dispatchWebhooks(db, now)).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    // Not again before the backoff (1 minute), then again after it.
    expect(await dispatchWebhooks(db, new Date(now.getTime() + 30_000))).toEqual({
      delivered: 0,
      retrying: 0,
      failed: 0,
    });
    const waits = [1, 5, 30, 120, 720];
    for (const [i, minutes] of waits.entries()) {
      now = new Date(now.getTime() + minutes * MINUTE);
      const tally = await dispatchWebhooks(db, now);
      expect(tally).toEqual(
        i < waits.length - 1 ? { delivered: 0, retrying: 1, failed: 0 } : { delivered: 0, retrying: 0, failed: 1 },
      );
    }
    expect(hook.received).toHaveLength(6);
    const [logged] = listDeliveries(db);
    expect(logged).toMatchObject({ status: "failed", attempts: 6, lastStatusCode: 500, lastError: "HTTP 500" });
    // Queued again by an admin, it is delivered (the receiver now answers 200).
    expect(retryDelivery(db, round.staff, logged!.id)).toEqual({ ok: false, reason: "roleNotAllowed" });
    expect(retryDelivery(db, round.admin, logged!.id)).toEqual({ ok: true });
    expect(await dispatchWebhooks(db, now)).toEqual({ delivered: 1, retrying: 0, failed: 0 });
    expect(listDeliveries(db)[0]).toMatchObject({ status: "delivered", attempts: 1 });
  });

  it("records a receiver that cannot be reached", async () => {
    const db = createTestDb();
    const round = await createModuleBRound(db, "webhooks");
    const hook = await receiver();
    await hook.close();
    createWebhook(db, round.admin, { url: hook.url, events: ["submitted"] });
    round.submitB();
    expect(await dispatchWebhooks(db)).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    expect(listDeliveries(db)[0]!.lastError).toBeTruthy();
    expect(listDeliveries(db)[0]!.lastStatusCode).toBeNull();
  });
});
