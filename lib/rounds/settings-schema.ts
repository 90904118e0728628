import { z } from "zod";

const optionalDate = z.preprocess(
  (v) => (v === "" || v === null ? undefined : v),
  z.iso.date({ error: "dateInvalid" }).optional(),
);
const name = z.string().trim().min(1, { error: "required" }).max(120, { error: "tooLong" });
const year = z.coerce
  .number({ error: "notANumber" })
  .int({ error: "notANumber" })
  .min(2000, { error: "outOfRange" })
  .max(2100, { error: "outOfRange" });

export const cloneRoundSchema = z.object({
  sourceId: z.coerce.number().int().positive({ error: "chooseOne" }),
  name,
  year,
});
export type CloneRoundInput = z.input<typeof cloneRoundSchema>;

/** A new draft round: its framework starts from a framework file of data/frameworks (by year) or the starter. */
export const createRoundSchema = z.object({
  name,
  year,
  base: z.union([z.literal("starter"), z.string().regex(/^\d{4}$/)], { error: "chooseOne" }),
  allCities: z.boolean(),
});
export type CreateRoundInput = z.input<typeof createRoundSchema>;

/** Dates are calendar days; deadlines close at the end of that day in China Standard Time. */
export const roundSettingsSchema = z
  .object({
    roundId: z.number().int().positive(),
    name,
    nameEn: z.string().trim().max(120, { error: "tooLong" }).optional(),
    year,
    dataCutoffDate: optionalDate,
    submissionDeadline: optionalDate,
    reviewDeadline: optionalDate,
    /** each city sees its own preliminary scorecard before finalisation */
    preliminaryResults: z.boolean().default(false),
    /** the last day of the correction window (复核申诉); only with preliminary results */
    appealDeadline: optionalDate,
    /** plausibility flags (lib/review/plausibility.ts): robust z, peers needed, rise and fall in % on last round */
    zThreshold: z.coerce
      .number({ error: "notANumber" })
      .min(1, { error: "outOfRange" })
      .max(20, { error: "outOfRange" })
      .default(3.5),
    minPeers: z.coerce
      .number({ error: "notANumber" })
      .int({ error: "notANumber" })
      .min(2, { error: "outOfRange" })
      .max(1000, { error: "outOfRange" })
      .default(5),
    yoyRisePct: z.coerce
      .number({ error: "notANumber" })
      .min(1, { error: "outOfRange" })
      .max(10000, { error: "outOfRange" })
      .default(100),
    yoyFallPct: z.coerce
      .number({ error: "notANumber" })
      .min(1, { error: "outOfRange" })
      .max(100, { error: "outOfRange" })
      .default(50),
    /** automatic reminders (催报) this many days before the submission deadline; empty for none */
    reminderDaysBefore: z.preprocess(
      (v) => (v === "" || v === null ? undefined : v),
      z.coerce
        .number({ error: "reminderDaysInvalid" })
        .int({ error: "reminderDaysInvalid" })
        .min(1, { error: "reminderDaysInvalid" })
        .max(60, { error: "reminderDaysInvalid" })
        .optional(),
    ),
  })
  .refine((s) => !s.appealDeadline || s.preliminaryResults, {
    path: ["appealDeadline"],
    error: "appealNeedsPreliminary",
  });
export type RoundSettingsInput = z.input<typeof roundSettingsSchema>;

export function endOfDayCst(date: string | undefined): Date | null {
  return date ? new Date(`${date}T23:59:59+08:00`) : null;
}

export function toCstDate(date: Date | null): string {
  if (!date) return "";
  return new Date(date.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
