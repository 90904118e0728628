/**
 * Reminders (催报): a city with modules not yet submitted is told before the submission deadline, in the app and
 * by e-mail when SMTP is configured; by an admin (every lagging city, or the chosen ones, after a preview) or
 * automatically the round's `reminderDaysBefore` days ahead. A city is reminded of one deadline once: the row is
 * written (unique per round, city and deadline) before any message leaves, and audited.
 */
import "server-only";
import { and, desc, eq, inArray, isNotNull } from "drizzle-orm";
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

export type SentReminder = {
  id: number;
  candidate: ReminderCandidate;
  roundZh: string;
  roundEn: string;
  roundId: number;
  deadline: Date;
  note: string | null;
};

/**
 * Writes the reminders (one per lagging city not yet reminded of this deadline and with someone to tell), their
 * in-app notifications and audit rows, in one transaction: a city reminded meanwhile by another run is skipped.
 */
function recordReminders(
  db: Db,
  input: { roundId: number; cityIds?: number[]; note: string | null; actorId: number | null },
  now: Date,
): { ok: true; sent: SentReminder[]; skipped: ReminderCandidate[] } | { ok: false; reason: ReminderRefusal } {
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
          "reminder",
          {
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
        sent.push({
          id: row.id,
          candidate,
          roundZh: roundName("zh-CN", round),
          roundEn: roundName("en", round),
          roundId: input.roundId,
          deadline,
          note: input.note,
        });
      }
      return { ok: true as const, sent, skipped };
    },
    { behavior: "immediate" },
  );
}

/** E-mails each written reminder to its city's leads (each in their language) and records how that went. */
async function deliver(db: Db, sent: SentReminder[]): Promise<void> {
  if (!mailConfigured()) return;
  const origin = publicOrigin();
  for (const reminder of sent) {
    const { candidate } = reminder;
    const path = `/rounds/${reminder.roundId}/cities/${candidate.cityCode}`;
    let error: string | null = null;
    for (const recipient of candidate.recipients) {
      const locale = recipient.locale;
      const mail = reminderEmail({
        locale,
        recipientName: recipient.name,
        city: pick(locale, candidate.cityNameZh, candidate.cityNameEn),
        round: locale === "en" ? reminder.roundEn : reminder.roundZh,
        deadline: toCstDate(reminder.deadline),
        modules: candidate.pending.map((m) => ({
          code: m.code,
          name: pick(locale, m.nameZh, m.nameEn),
          status: m.status,
        })),
        note: reminder.note,
        link: origin ? `${origin}${path}` : path,
      });
      try {
        await sendMail({ to: [recipient.email], subject: mail.subject, text: mail.text });
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
        logger.warn({ reminderId: reminder.id, to: recipient.email, err: e }, "reminder: e-mail refused");
      }
    }
    db.update(reminders)
      .set({ emailStatus: error ? "failed" : "sent", emailError: error?.slice(0, 500) ?? null })
      .where(eq(reminders.id, reminder.id))
      .run();
  }
}

export type SendResult =
  | { ok: true; sent: { cityId: number; id: number }[]; skipped: number[] }
  | { ok: false; reason: ReminderRefusal };

/** An admin reminds every lagging city of the round (or the chosen ones) of the submission deadline. */
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
  await deliver(db, recorded.sent);
  return {
    ok: true,
    sent: recorded.sent.map((s) => ({ cityId: s.candidate.cityId, id: s.id })),
    skipped: recorded.skipped.map((c) => c.cityId),
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
    await deliver(db, recorded.sent);
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
    })
    .from(reminders)
    .innerJoin(cities, eq(cities.id, reminders.cityId))
    .where(eq(reminders.roundId, roundId))
    .orderBy(desc(reminders.sentAt), desc(reminders.id))
    .limit(limit)
    .all();
}
