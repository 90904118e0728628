/**
 * The text of a reminder (催报) e-mail, in the recipient's language, from the messages every page uses.
 */
import { createTranslator } from "next-intl";
import type { Locale } from "@/lib/domain";
import en from "@/messages/en.json";
import zhCN from "@/messages/zh-CN.json";

const MESSAGES = { "zh-CN": zhCN, en } as const;

export type ReminderMessageInput = {
  locale: Locale;
  recipientName: string;
  city: string;
  round: string;
  /** the deadline in Beijing time, YYYY-MM-DD HH:mm */
  deadline: string;
  modules: { code: string; name: string }[];
  note: string | null;
  /** the city's dashboard, absolute when the public origin is known, else a path */
  link: string;
};

export function reminderEmail(input: ReminderMessageInput): { subject: string; text: string } {
  const t = createTranslator({ locale: input.locale, messages: MESSAGES[input.locale], namespace: "reminders.email" });
  const lines = [
    t("greeting", { name: input.recipientName }),
    "",
    t("body", { city: input.city, round: input.round, deadline: input.deadline, count: input.modules.length }),
    ...input.modules.map((m) => t("module", { code: m.code, name: m.name })),
    "",
    ...(input.note ? [t("note", { note: input.note }), ""] : []),
    t("link", { link: input.link }),
    "",
    t("signature"),
  ];
  return {
    subject: t("subject", { city: input.city, round: input.round, count: input.modules.length }),
    text: lines.join("\n"),
  };
}
