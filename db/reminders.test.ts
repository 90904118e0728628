import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { deliverReminderEmails, reminderPreview, sendDueReminders, sendReminders } from "./reminders";
import { auditLog, notifications, reminders, rounds } from "./schema";
import { createModuleBRound, createTestDb } from "./test-db";
import { updateUserLocale, upsertUser } from "./users";

/** A local SMTP server that keeps every message it is given, parsed. */
async function startSmtp(options: { refuse?: boolean } = {}) {
  const received: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, _session, callback) {
      if (options.refuse) {
        stream.resume();
        stream.on("end", () => callback(Object.assign(new Error("mailbox unavailable"), { responseCode: 550 })));
        return;
      }
      simpleParser(stream).then(
        (mail) => {
          received.push(mail);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return { received, url: `smtp://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const DAY = 86_400_000;

/** Module B's round (Hangzhou, Ningbo) with a deadline ten days from `now`; Hangzhou has submitted module B. */
async function setUp(now: Date) {
  const db = createTestDb();
  const round = await createModuleBRound(db, "reminders");
  db.update(rounds)
    .set({ submissionDeadline: new Date(now.getTime() + 10 * DAY) })
    .where(eq(rounds.id, round.roundId))
    .run();
  return { db, round };
}

describe("reminders (催报)", () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>> | undefined;
  beforeEach(() => vi.stubEnv("SMTP_URL", ""));
  afterEach(async () => {
    vi.unstubAllEnvs();
    await smtp?.close();
    smtp = undefined;
  });

  it("previews every lagging city with its modules not submitted and its leads", async () => {
    const now = new Date("2026-12-01T00:00:00Z");
    const { db, round } = await setUp(now);
    round.submitB();
    const preview = reminderPreview(db, round.roundId, undefined, now);
    if (!preview.ok) throw new Error(preview.reason);
    const [hangzhou, ningbo] = preview.preview.candidates;
    // Hangzhou submitted B; its four other modules are still to do. Ningbo has all five to do.
    expect(hangzhou).toMatchObject({ cityId: round.staff.cityId, remindedAt: null });
    expect(hangzhou!.pending.map((m) => m.code)).not.toContain("B");
    expect(hangzhou!.pending).toHaveLength(4);
    expect(ningbo!.pending).toHaveLength(5);
    expect(ningbo!.pending.every((m) => m.status === "not_started")).toBe(true);
    expect(hangzhou!.recipients.map((r) => r.email)).toEqual([round.staff.email]);
  });

  it("reminds in the app and by e-mail, in each lead's language, audited, and never twice for one deadline", async () => {
    smtp = await startSmtp();
    vi.stubEnv("SMTP_URL", smtp.url);
    vi.stubEnv("APP_URL", "https://cityeval.example.gov.cn/");
    const now = new Date("2026-12-01T00:00:00Z");
    const { db, round } = await setUp(now);
    updateUserLocale(db, round.other.id, "en");
    const result = await sendReminders(db, round.admin, { roundId: round.roundId, note: "请本周内提交" }, now);
    expect(result).toMatchObject({ ok: true, skipped: [] });
    if (!result.ok) return;
    expect(result.sent).toHaveLength(2);
    // Written and in the app at once; the e-mails go after (the admin's request does not wait for SMTP).
    expect(smtp.received).toHaveLength(0);
    expect(await deliverReminderEmails(db, now)).toEqual({ sent: 2, failed: 0 });
    // A second run finds nothing left to send.
    expect(await deliverReminderEmails(db, now)).toEqual({ sent: 0, failed: 0 });

    // Two messages arrived, one per city, each to its lead, in their language, naming the modules and the page.
    expect(smtp.received).toHaveLength(2);
    const zh = smtp.received.find((m) => m.to && JSON.stringify(m.to).includes(round.staff.email))!;
    expect(zh.subject).toBe("【催报】reminders：杭州 尚有 5 个模块未提交");
    expect(zh.text).toContain("提交截止时间为 2026-12-11 08:00（北京时间）");
    expect(zh.text).toContain("  · B 智慧基础\n  · G 智慧治理");
    expect(zh.text).toContain("组织方附言：请本周内提交");
    expect(zh.text).toContain(`https://cityeval.example.gov.cn/rounds/${round.roundId}/cities/hangzhou`);
    const en = smtp.received.find((m) => JSON.stringify(m.to).includes(round.other.email))!;
    expect(en.subject).toBe("[Reminder] reminders: Ningbo has 5 modules not submitted");

    // In the app, audited, and recorded as e-mailed.
    const told = db.select().from(notifications).where(eq(notifications.kind, "reminderWithNote")).all();
    expect(told.map((n) => n.userId).sort()).toEqual([round.staff.id, round.other.id].sort());
    expect(told[0]!.params).toMatchObject({ note: "请本周内提交", count: 5 });
    expect(db.select().from(auditLog).where(eq(auditLog.action, "reminder.sent")).all()).toHaveLength(2);
    expect(
      db
        .select()
        .from(reminders)
        .all()
        .map((r) => r.emailStatus),
    ).toEqual(["sent", "sent"]);

    // Again, by hand or automatically, for the same deadline: nobody is reminded twice.
    const again = await sendReminders(db, round.admin, { roundId: round.roundId }, new Date(now.getTime() + DAY));
    expect(again).toMatchObject({ ok: true, sent: [] });
    expect(await sendDueReminders(db, new Date(now.getTime() + 9 * DAY))).toEqual([]);
    expect(smtp.received).toHaveLength(2);
    // A new deadline may be reminded of again.
    db.update(rounds)
      .set({ submissionDeadline: new Date(now.getTime() + 20 * DAY) })
      .where(eq(rounds.id, round.roundId))
      .run();
    const extended = await sendReminders(
      db,
      round.admin,
      { roundId: round.roundId, cityIds: [round.other.cityId!] },
      now,
    );
    expect(extended).toMatchObject({ ok: true, sent: [{ cityId: round.other.cityId }] });
    await deliverReminderEmails(db, now);
    expect(smtp.received).toHaveLength(3);
  });

  it("reminds automatically from N days before the deadline, laggards only, and only until the deadline", async () => {
    const now = new Date("2026-12-01T00:00:00Z");
    const { db, round } = await setUp(now);
    db.update(rounds).set({ reminderDaysBefore: 3 }).where(eq(rounds.id, round.roundId)).run();
    round.submitB();
    // Too early: ten days ahead.
    expect(await sendDueReminders(db, now)).toEqual([]);
    // Three days ahead: both cities lag (Hangzhou's four other modules), in the app only without SMTP.
    expect(await sendDueReminders(db, new Date(now.getTime() + 7 * DAY))).toEqual([
      { roundId: round.roundId, sent: 2 },
    ]);
    const rows = db.select().from(reminders).all();
    expect(rows.map((r) => [r.kind, r.sentBy, r.emailStatus])).toEqual([
      ["automatic", null, "not_configured"],
      ["automatic", null, "not_configured"],
    ]);
    expect(rows[0]!.moduleCodes).not.toContain("B");
    // After the deadline, nothing more.
    db.delete(reminders).run();
    expect(await sendDueReminders(db, new Date(now.getTime() + 11 * DAY))).toEqual([]);
  });

  it("refuses without a deadline, after it, in a round not open, and for anyone but an admin", async () => {
    const now = new Date("2026-12-01T00:00:00Z");
    const { db, round } = await setUp(now);
    for (const user of [round.staff, round.initial])
      expect(await sendReminders(db, user, { roundId: round.roundId }, now)).toEqual({
        ok: false,
        reason: "roleNotAllowed",
      });
    expect(
      await sendReminders(db, round.admin, { roundId: round.roundId }, new Date(now.getTime() + 11 * DAY)),
    ).toEqual({ ok: false, reason: "deadlinePassed" });
    db.update(rounds).set({ submissionDeadline: null }).where(eq(rounds.id, round.roundId)).run();
    expect(await sendReminders(db, round.admin, { roundId: round.roundId }, now)).toEqual({
      ok: false,
      reason: "noDeadline",
    });
    expect(await sendReminders(db, round.admin, { roundId: 999_999 }, now)).toEqual({ ok: false, reason: "notFound" });
    expect(db.select().from(reminders).all()).toEqual([]);
  });

  it("skips a city with no active lead, and records an e-mail the server refused", async () => {
    smtp = await startSmtp({ refuse: true });
    vi.stubEnv("SMTP_URL", smtp.url);
    const now = new Date("2026-12-01T00:00:00Z");
    const { db, round } = await setUp(now);
    // A department user of Ningbo is not a recipient; Ningbo's lead is switched off.
    await upsertUser(db, {
      email: "dept@x.org",
      name: "dept",
      password: "pw",
      role: "department_staff",
      cityId: round.other.cityId,
      department: "统计局",
    });
    db.$client.prepare("update users set active = 0 where id = ?").run(round.other.id);
    const result = await sendReminders(db, round.admin, { roundId: round.roundId }, now);
    expect(result).toMatchObject({ ok: true, sent: [{ cityId: round.staff.cityId }], skipped: [round.other.cityId] });
    expect(await deliverReminderEmails(db, now)).toEqual({ sent: 0, failed: 1 });
    const [row] = db.select().from(reminders).all();
    expect(row).toMatchObject({ emailStatus: "failed", emailAttempts: 1 });
    expect(row!.emailError).toMatch(/550|mailbox unavailable/);
    // Not again before its retry time; then again, with the server back, once.
    expect(await deliverReminderEmails(db, now)).toEqual({ sent: 0, failed: 0 });
    await smtp.close();
    smtp = await startSmtp();
    vi.stubEnv("SMTP_URL", smtp.url);
    expect(await deliverReminderEmails(db, new Date(now.getTime() + 2 * 60_000))).toEqual({ sent: 1, failed: 0 });
    expect(db.select().from(reminders).all()[0]).toMatchObject({
      emailStatus: "sent",
      emailAttempts: 2,
      emailError: null,
    });
    expect(smtp.received).toHaveLength(1);
  });
});
