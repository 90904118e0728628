/**
 * The correction window (复核申诉): a round set to publish preliminary results may give cities until a deadline
 * to appeal decisions on their items. Rounds without a deadline behave as before: no preliminary results, no appeals.
 */
import { z } from "zod";
import type { AppealStatus } from "@/lib/domain";
import { REASON_MAX } from "@/lib/questionnaire/answer-schema";

type WindowRound = { status: string; preliminaryResults: boolean; appealDeadline: Date | null };

/** Whether the city may see its preliminary scorecard now. */
export function showsPreliminaryResults(round: WindowRound): boolean {
  return round.status === "open" && round.preliminaryResults;
}

/** Whether appeals may be filed now: preliminary results are out and the deadline has not passed. */
export function isCorrectionWindowOpen(round: WindowRound, now = new Date()): boolean {
  return showsPreliminaryResults(round) && !!round.appealDeadline && now <= round.appealDeadline;
}

/**
 * Why an item cannot be appealed now, or null if it can: the window must be open, the module verified, the
 * item worth points, and no earlier appeal on it still open. The city's page and the server ask the same rule.
 */
export function appealRefusal(ctx: {
  windowOpen: boolean;
  verified: boolean;
  maxPoints: number;
  openAppeal: boolean;
}): "windowClosed" | "notVerified" | "notScored" | "alreadyAppealed" | null {
  if (!ctx.windowOpen) return "windowClosed";
  if (!ctx.verified) return "notVerified";
  if (ctx.maxPoints === 0) return "notScored";
  return ctx.openAppeal ? "alreadyAppealed" : null;
}

export const fileAppealSchema = z.object({
  itemId: z.number().int().positive(),
  reason: z
    .string()
    .trim()
    .min(1, { error: "reasonRequired" })
    .max(REASON_MAX * 2, { error: "tooLong" }),
  evidenceUrl: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z
      .url({ protocol: /^https?$/, error: "urlInvalid" })
      .max(2000, { error: "tooLong" })
      .optional(),
  ),
});
export type FileAppealInput = z.input<typeof fileAppealSchema>;

export const decideAppealSchema = z.discriminatedUnion("outcome", [
  z.object({
    appealId: z.number().int().positive(),
    outcome: z.literal("upheld"),
    reason: z.string().trim().min(1, { error: "reasonRequired" }).max(REASON_MAX, { error: "tooLong" }),
  }),
  z.object({
    appealId: z.number().int().positive(),
    outcome: z.literal("amended"),
    reason: z.string().trim().min(1, { error: "reasonRequired" }).max(REASON_MAX, { error: "tooLong" }),
    value: z.unknown(),
  }),
]);
export type DecideAppealInput = z.input<typeof decideAppealSchema>;

/** An appeal as the city reads it under its item: what it asked, when, and the outcome with its reason. */
export type FiledAppeal = {
  appeal: {
    id: number;
    status: AppealStatus;
    filedAt: Date;
    reason: string;
    evidenceUrl: string | null;
    decisionReason: string | null;
    amendedValue: unknown;
  };
};
