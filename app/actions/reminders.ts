"use server";

import { revalidatePath } from "next/cache";
import { after } from "next/server";
import { z } from "zod";
import { getDb } from "@/db/client";
import { deliverReminderEmails, reminderPreview, sendReminders } from "@/db/reminders";
import { defineAction, refuse } from "@/lib/action";
import { mailConfigured } from "@/lib/server/mailer";

const ADMIN = { roles: ["admin"] } as const;
const roundId = z.number().int().positive();

/** Who a reminder would reach now: the lagging cities, their modules and leads, and who was reminded already. */
export const previewRemindersAction = defineAction(z.object({ roundId }), ADMIN, ({ roundId: id }) => {
  const result = reminderPreview(getDb(), id);
  if (!result.ok) refuse(result.reason);
  return {
    deadline: result.preview.deadline.toISOString(),
    email: mailConfigured(),
    candidates: result.preview.candidates.map((c) => ({
      cityId: c.cityId,
      cityNameZh: c.cityNameZh,
      cityNameEn: c.cityNameEn,
      pending: c.pending.map((m) => ({ code: m.code, nameZh: m.nameZh, nameEn: m.nameEn })),
      recipients: c.recipients.map((r) => r.email),
      remindedAt: c.remindedAt?.toISOString() ?? null,
    })),
  };
});

/** Reminds the chosen cities (each at most once per deadline), in the app and by e-mail when configured. */
export const sendRemindersAction = defineAction(
  z.object({
    roundId,
    cityIds: z.array(z.number().int().positive()).min(1, { error: "chooseCities" }).max(5000),
    note: z.string().trim().max(500, { error: "tooLong" }).optional(),
  }),
  ADMIN,
  async (input, { user }) => {
    const db = getDb();
    const result = await sendReminders(db, user, input);
    if (!result.ok) refuse(result.reason);
    // The e-mails go after the response: an SMTP server that is slow or down never holds the admin's page.
    after(() => deliverReminderEmails(db).then(() => undefined));
    revalidatePath(`/admin/rounds/${input.roundId}`);
    return { sent: result.sent.length, skipped: result.skipped.length, email: mailConfigured() };
  },
);
