import { z } from "zod";

// Messages are keys into messages/*.json ("errors" namespace), translated where they are shown.
export const signInSchema = z.object({
  email: z.email({ error: "emailInvalid" }).trim().max(200, { error: "emailInvalid" }),
  password: z.string().min(1, { error: "required" }).max(200, { error: "required" }),
});
export type SignInInput = z.infer<typeof signInSchema>;
