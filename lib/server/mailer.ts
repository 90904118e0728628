/**
 * E-mail, when an SMTP server is configured (SMTP_URL, e.g. smtp://user:pass@smtp.example.gov.cn:587, or smtps://
 * for TLS from the start); without it the app still works and tells people in the app only. nodemailer does the
 * protocol; this file only reads the configuration.
 */
import "server-only";
import nodemailer from "nodemailer";

export type Mail = { to: string[]; subject: string; text: string };

export function mailConfigured(): boolean {
  return !!process.env.SMTP_URL?.trim();
}

/** The sender shown to recipients. */
export function mailFrom(): string {
  return process.env.MAIL_FROM?.trim() || "CityEval 智慧城市评估平台 <noreply@cityeval.invalid>";
}

let transport: nodemailer.Transporter | undefined;
let transportUrl: string | undefined;

/** Sends one message; throws what the SMTP server answered when it refuses. */
export async function sendMail(mail: Mail): Promise<void> {
  const url = process.env.SMTP_URL?.trim();
  if (!url) throw new Error("SMTP_URL is not set");
  if (!transport || transportUrl !== url) {
    // Bounded waits: a mail server that does not answer must not hold a reminder run for minutes.
    transport = nodemailer.createTransport(url, {
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
    transportUrl = url;
  }
  await transport.sendMail({ from: mailFrom(), to: mail.to, subject: mail.subject, text: mail.text });
}

/** Where links in e-mails point: APP_URL, else AUTH_URL; null when neither is set (the text then names the page). */
export function publicOrigin(): string | null {
  const origin = (process.env.APP_URL ?? process.env.AUTH_URL)?.trim();
  return origin ? origin.replace(/\/+$/, "") : null;
}
