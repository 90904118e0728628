/**
 * Reminders (催报): a city with modules not yet submitted is told before the submission deadline, in the app and
 * by e-mail when SMTP is configured; by an admin (every lagging city, or the chosen ones, after a preview) or
 * automatically the round's `reminderDaysBefore` days ahead. A city is reminded of one deadline once: the row is
 * written (unique per round, city and deadline) before any message leaves, and audited.
 */
import "server-only";
import { and, desc, eq, inArray, isNotNull, lt, or } from "drizzle-orm";
import { type Actor, maySendReminders } from "@/lib/auth/policy";
import type { Locale, ModuleStatus } from "@/lib/domain";
import { pick, roundName } from "@/lib/i18n/pick";
import { reminderEmail } from "@/lib/reminders/message";
import { toCstDate } from "@/lib/rounds/settings-schema";
import { logger } from "@/lib/server/logger";
import { mailConfigured, publicOrigin, sendMail } from "@/lib/server/mailer";
import { moduleStatus } from "@/lib/workflow/module-status";
import { appendAudit } from "./audit";
import type { Db, Tx } from "./client";
import { notify } from "./notifications";
import { cities, modules, reminders, roundCities, rounds, submissions, users } from "./schema";

/** What still counts as "not submitted": never started, a draft, or returned and not yet resubmitted. */
const LAGGING: ReadonlySet<ModuleStatus> = new Set(["not_started", "draft", "returned"]);

export type ReminderRefusal = "notFound" | "roundNotOpen" | "noDeadline" | "deadlinePassed";

export type ReminderCandidate = {
  cityId: number;
  cityCode: string;
  cityNameZh: string;
  cityNameEn: string;
  pending: { code: string; nameZh: string; nameEn: string; status: ModuleStatus }[];
  recipients: { id: number; email: string; name: string; locale: Locale }[];
  /** when this city was already reminded of this deadline (it is not reminded again) */
  remindedAt: Date | null;
};

export type ReminderPreview = { deadline: Date; candidates: ReminderCandidate[] };

function roundFor(db: Db | Tx, roundId: number, now: Date) {
  const round = db.select().from(rounds).where(eq(rounds.id, roundId)).get();
  if (!round) return { ok: false as const, reason: "notFound" as const };
  if (round.status !== "open") return { ok: false as const, reason: "roundNotOpen" as const };
  if (!round.submissionDeadline) return { ok: false as const, reason: "noDeadline" as const };
  if (now > round.submissionDeadline) return { ok: false as const, reason: "deadlinePassed" as const };
  return { ok: true as const, round, deadline: round.submissionDeadline };
}

/**
 * Who a reminder would reach: every city of the round (or only `cityIds`) with a module not yet submitted, its
 * modules, its active leads, and whether it was already reminded of this deadline. Cities with nothing pending
 * are left out.
 */
export function reminderPreview(
  db: Db | Tx,
  roundId: number,
  cityIds?: number[],
  now = new Date(),
): { ok: true; preview: ReminderPreview } | { ok: false; reason: ReminderRefusal } {
  const found = roundFor(db, roundId, now);
  if (!found.ok) return found;
  const { deadline } = found;
  const cityRows = db
    .select({ id: cities.id, code: cities.code, nameZh: cities.nameZh, nameEn: cities.nameEn })
    .from(roundCities)
    .innerJoin(cities, eq(cities.id, roundCities.cityId))
    .where(and(eq(roundCities.roundId, roundId), cityIds ? inArray(cities.id, cityIds) : undefined))
    .orderBy(cities.id)
    .all();
  const moduleRows = db.select().from(modules).where(eq(modules.roundId, roundId)).orderBy(modules.position).all();
  const subs = db.select().from(submissions).where(eq(submissions.roundId, roundId)).all();
  const subOf = new Map(subs.map((s) => [`${s.cityId}:${s.moduleId}`, s]));
  const leads = db
    .select({ id: users.id, email: users.email, name: users.name, locale: users.locale, cityId: users.cityId })
    .from(users)
    .where(
      and(eq(users.role, "city_staff"), eq(users.active, true), eq(users.synthetic, false), isNotNull(users.cityId)),
    )
    .orderBy(users.id)
    .all();
  const sent = new Map(
    db
      .select({ cityId: reminders.cityId, sentAt: reminders.sentAt })
      .from(reminders)
      .where(and(eq(reminders.roundId, roundId), eq(reminders.deadline, deadline)))
      .all()
      .map((r) => [r.cityId, r.sentAt]),
  );
  const candidates = cityRows.flatMap((city): ReminderCandidate[] => {
    const pending = moduleRows.flatMap((m) => {
      const status = moduleStatus(subOf.get(`${city.id}:${m.id}`));
      return LAGGING.has(status) ? [{ code: m.code, nameZh: m.nameZh, nameEn: m.nameEn, status }] : [];
    });
    if (!pending.length) return [];
    return [
      {
        cityId: city.id,
        cityCode: city.code,
        cityNameZh: city.nameZh,
        cityNameEn: city.nameEn,
        pending,
        recipients: leads
          .filter((u) => u.cityId === city.id)
          .map(({ id, email, name, locale }) => ({ id, email, name, locale })),
        remindedAt: sent.get(city.id) ?? null,
      },
    ];
  });
  return { ok: true, preview: { deadline, candidates } };
}

/** A reminder written: its row and its city (the e-mails are deliverReminderEmails', from the row). */
export type SentReminder = { id: number; cityId: number };

/**
 * Writes the reminders (one per lagging city not yet reminded of this deadline and with someone to tell), their
 * in-app notifications and audit rows, in one transaction: a city reminded meanwhile by another run is skipped.
 */
function recordReminders(
  db: Db,
  input: { roundId: number; cityIds?: number[]; note: string | null; actorId: number | null },
  now: Date,
): { ok: true; sent: SentReminder[]; skipped: number[] } | { ok: false; reason: ReminderRefusal } {
  return db.transaction(
    (tx) => {
      const result = reminderPreview(tx, input.roundId, input.cityIds, now);
      if (!result.ok) return result;
      const { deadline, candidates } = result.preview;
      const round = tx.select().from(rounds).where(eq(rounds.id, input.roundId)).get()!;
      const sent: SentReminder[] = [];
      const skipped: ReminderCandidate[] = [];
      const emailStatus = mailConfigured() ? "pending" : "not_configured";
      for (const candidate of candidates) {
        if (candidate.remindedAt || !candidate.recipients.length) {
          skipped.push(candidate);
          continue;
        }
        const row = tx
          .insert(reminders)
          .values({
            roundId: input.roundId,
            cityId: candidate.cityId,
            deadline,
            kind: input.actorId === null ? "automatic" : "manual",
            sentBy: input.actorId,
            sentAt: now,
            moduleCodes: candidate.pending.map((m) => m.code),
            recipients: candidate.recipients.map((r) => r.email),
            note: input.note,
            emailStatus,
            emailNextAttemptAt: now,
          })
          .onConflictDoNothing()
          .returning({ id: reminders.id })
          .get();
        if (!row) {
          skipped.push(candidate);
          continue;
        }
        notify(
          tx,
          candidate.recipients.map((r) => r.id),
          input.note ? "reminderWithNote" : "reminder",
          {
            ...(input.note ? { note: input.note } : {}),
            roundZh: roundName("zh-CN", round),
            roundEn: roundName("en", round),
            modules: candidate.pending.map((m) => m.code).join(" "),
            count: candidate.pending.length,
            deadline: toCstDate(deadline),
          },
          `/rounds/${input.roundId}/cities/${candidate.cityCode}`,
          now,
        );
        appendAudit(tx, {
          actorId: input.actorId,
          action: "reminder.sent",
          entityType: "reminder",
          entityId: row.id,
          roundId: input.roundId,
          cityId: candidate.cityId,
          after: {
            kind: input.actorId === null ? "automatic" : "manual",
            deadline: deadline.toISOString(),
            modules: candidate.pending.map((m) => m.code),
            recipients: candidate.recipients.map((r) => r.email),
            note: input.note,
          },
        });
        sent.push({ id: row.id, cityId: candidate.cityId });
      }
      // Chosen cities with nothing to remind of (everything submitted, or not in the round) are not reminded either.
      const listed = new Set(candidates.map((c) => c.cityId));
      const notLagging = (input.cityIds ?? []).filter((id) => !listed.has(id));
      return { ok: true as const, sent, skipped: [...skipped.map((c) => c.cityId), ...notLagging] };
    },
    { behavior: "immediate" },
  );
}

/** How many times an e-mail is tried, and how long to wait before each retry (minutes: 1, 5, 15, 60). */
const EMAIL_ATTEMPTS = 5;
const RETRY_MINUTES = [1, 5, 15, 60];
/** A delivery run that claimed a reminder and then died: its claim lapses after this long. */
const CLAIM_MINUTES = 10;

/**
 * Sends the reminder e-mails that are due: new ones, failed ones whose retry time has come (until their attempts run
 * out) and ones a crashed run left claimed. Each is claimed by a conditional update first, so two runs never send
 * the same one. Runs in the background after an admin sends (the request does not wait) and with every automatic
 * check, so an SMTP server that was down is tried again. Returns how many were sent and how many failed.
 */
export async function deliverReminderEmails(db: Db, now = new Date()): Promise<{ sent: number; failed: number }> {
  const tally = { sent: 0, failed: 0 };
  if (!mailConfigured()) return tally;
  const due = db
    .select()
    .from(reminders)
    .where(
      or(
        and(inArray(reminders.emailStatus, ["pending", "failed"]), lt(reminders.emailAttempts, EMAIL_ATTEMPTS)),
        and(
          eq(reminders.emailStatus, "sending"),
          lt(reminders.emailNextAttemptAt, new Date(now.getTime() - CLAIM_MINUTES * 60_000)),
        ),
      ),
    )
    .all()
    .filter((r) => r.emailStatus === "sending" || !r.emailNextAttemptAt || r.emailNextAttemptAt <= now);
  const origin = publicOrigin();
  for (const row of due) {
    const claimed = db
      .update(reminders)
      .set({
        emailStatus: "sending",
        emailAttempts: row.emailAttempts + 1,
        emailNextAttemptAt: now,
      })
      .where(
        and(
          eq(reminders.id, row.id),
          eq(reminders.emailStatus, row.emailStatus),
          eq(reminders.emailAttempts, row.emailAttempts),
        ),
      )
      .run();
    if (claimed.changes !== 1) continue;
    const error = await sendReminderEmail(db, row, origin);
    const attempt = row.emailAttempts + 1;
    const retryIn = RETRY_MINUTES[Math.min(attempt - 1, RETRY_MINUTES.length - 1)]! * 60_000;
    try {
      db.update(reminders)
        .set(
          error
            ? {
                emailStatus: "failed",
                emailError: error.slice(0, 500),
                emailNextAttemptAt: new Date(now.getTime() + retryIn),
              }
            : { emailStatus: "sent", emailError: null, emailNextAttemptAt: null },
        )
        .where(eq(reminders.id, row.id))
        .run();
    } catch (e) {
      // The e-mail went (or failed) all the same; the claim lapses and a later run records it again.
      logger.warn({ reminderId: row.id, err: e }, "reminder: could not record the e-mail's outcome");
    }
    if (error) tally.failed++;
    else tally.sent++;
  }
  return tally;
}

/** One reminder's e-mails, one per lead in their language; the first error, or null when every one was accepted. */
async function sendReminderEmail(db: Db, row: typeof reminders.$inferSelect, origin: string | null) {
  const round = db.select().from(rounds).where(eq(rounds.id, row.roundId)).get();
  const city = db.select().from(cities).where(eq(cities.id, row.cityId)).get();
  if (!round || !city) return "the round or city no longer exists";
  const moduleRows = db.select().from(modules).where(eq(modules.roundId, row.roundId)).all();
  const people = db
    .select({ email: users.email, name: users.name, locale: users.locale })
    .from(users)
    .where(inArray(users.email, row.recipients))
    .all();
  const path = `/rounds/${row.roundId}/cities/${city.code}`;
  const errors: string[] = [];
  for (const email of row.recipients) {
    const person = people.find((p) => p.email === email);
    const locale: Locale = person?.locale ?? "zh-CN";
    const mail = reminderEmail({
      locale,
      recipientName: person?.name ?? email,
      city: pick(locale, city.nameZh, city.nameEn),
      round: roundName(locale, round),
      deadline: cstDateTime(row.deadline),
      modules: row.moduleCodes.map((code) => {
        const m = moduleRows.find((x) => x.code === code);
        return { code, name: m ? pick(locale, m.nameZh, m.nameEn) : code };
      }),
      note: row.note,
      link: origin ? `${origin}${path}` : path,
    });
    try {
      await sendMail({ to: [email], subject: mail.subject, text: mail.text });
    } catch (e) {
      errors.push(`${email}: ${e instanceof Error ? e.message : String(e)}`);
      logger.warn({ reminderId: row.id, to: email, err: e }, "reminder: e-mail refused");
    }
  }
  return errors.length ? errors.join("; ") : null;
}

/** A deadline as Beijing time, "2026-12-11 23:59". */
function cstDateTime(date: Date): string {
  return new Date(date.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");
}

export type SendResult =
  | { ok: true; sent: { cityId: number; id: number }[]; skipped: number[] }
  | { ok: false; reason: ReminderRefusal };

/**
 * An admin reminds every lagging city of the round (or the chosen ones) of the submission deadline: written and
 * notified in the app at once; the e-mails follow from deliverReminderEmails, which the caller starts without
 * waiting for it.
 */
export async function sendReminders(
  db: Db,
  admin: Actor,
  input: { roundId: number; cityIds?: number[]; note?: string | null },
  now = new Date(),
): Promise<SendResult | { ok: false; reason: "roleNotAllowed" }> {
  if (!maySendReminders(admin)) return { ok: false, reason: "roleNotAllowed" };
  const recorded = recordReminders(
    db,
    { roundId: input.roundId, cityIds: input.cityIds, note: input.note?.trim() || null, actorId: admin.id },
    now,
  );
  if (!recorded.ok) return recorded;
  return {
    ok: true,
    sent: recorded.sent,
    skipped: recorded.skipped,
  };
}

/**
 * The automatic reminders due now: in every open round with `reminderDaysBefore` set, from that many days before
 * the submission deadline until it passes, each lagging city not yet reminded of it. Safe to run as often as
 * wanted (every few minutes by the server, or from cron): a city is reminded of a deadline once.
 */
export async function sendDueReminders(db: Db, now = new Date()): Promise<{ roundId: number; sent: number }[]> {
  const due = db
    .select({ id: rounds.id, deadline: rounds.submissionDeadline, days: rounds.reminderDaysBefore })
    .from(rounds)
    .where(and(eq(rounds.status, "open"), isNotNull(rounds.submissionDeadline), isNotNull(rounds.reminderDaysBefore)))
    .all()
    .filter((r) => now >= new Date(r.deadline!.getTime() - r.days! * 86_400_000) && now <= r.deadline!);
  const runs: { roundId: number; sent: number }[] = [];
  for (const round of due) {
    const recorded = recordReminders(db, { roundId: round.id, note: null, actorId: null }, now);
    if (!recorded.ok) continue;
    if (recorded.sent.length) runs.push({ roundId: round.id, sent: recorded.sent.length });
  }
  return runs;
}

/** The latest reminders sent in a round, newest first, for the admin's round page (the audit log keeps all). */
export function listReminders(db: Db, roundId: number, limit = 200) {
  return db
    .select({
      id: reminders.id,
      cityNameZh: cities.nameZh,
      cityNameEn: cities.nameEn,
      kind: reminders.kind,
      sentAt: reminders.sentAt,
      deadline: reminders.deadline,
      moduleCodes: reminders.moduleCodes,
      recipients: reminders.recipients,
      emailStatus: reminders.emailStatus,
      emailError: reminders.emailError,
      emailAttempts: reminders.emailAttempts,
    })
    .from(reminders)
    .innerJoin(cities, eq(cities.id, reminders.cityId))
    .where(eq(reminders.roundId, roundId))
    .orderBy(desc(reminders.sentAt), desc(reminders.id))
    .limit(limit)
    .all();
}
