/** The admin's request for a calibration sample, shared by the round page's form and the server action. */
import { z } from "zod";

const id = z.coerce.number({ error: "chooseOne" }).int({ error: "chooseOne" }).positive({ error: "chooseOne" });

export const drawCalibrationSchema = z.object({
  roundId: z.number().int().positive(),
  stageId: id,
  sharePct: z.coerce.number({ error: "sharePct" }).min(1, { error: "sharePct" }).max(100, { error: "sharePct" }),
  reviewerIds: z.array(id).min(1, { error: "chooseReviewers" }).max(500, { error: "outOfRange" }),
});
export type DrawCalibrationInput = z.input<typeof drawCalibrationSchema>;
