import { z } from "zod";

// Messages are keys into messages/*.json ("errors" namespace), translated where they are shown.
export const signInSchema = z.object({
  email: z.email({ error: "emailInvalid" }).trim().max(200, { error: "emailInvalid" }),
  password: z.string().min(1, { error: "required" }).max(200, { error: "required" }),
});
export type SignInInput = z.infer<typeof signInSchema>;

export const PASSWORD_MIN = 10;
const password = z.string().min(PASSWORD_MIN, { error: "passwordTooShort" }).max(200, { error: "tooLong" });

export const changePasswordSchema = z
  .object({ current: z.string().min(1, { error: "required" }).max(200), next: password, confirm: z.string() })
  .refine((v) => v.next === v.confirm, { path: ["confirm"], error: "passwordsDiffer" });
export type ChangePasswordInput = z.infer<typeof changePasswordSchema>;

export const createUserSchema = z
  .object({
    email: z.email({ error: "emailInvalid" }).trim().max(200, { error: "emailInvalid" }),
    name: z.string().trim().min(1, { error: "required" }).max(100, { error: "tooLong" }),
    role: z.enum(["admin", "reviewer", "city_staff"], { error: "chooseOne" }),
    cityId: z.coerce.number().int().nonnegative().optional(),
    password,
  })
  .refine((v) => (v.role === "city_staff") === !!v.cityId, { path: ["cityId"], error: "cityForStaffOnly" });
export type CreateUserInput = z.input<typeof createUserSchema>;

/** A city's lead invites a department user of the city (db/departments.ts). */
export const inviteDepartmentUserSchema = z.object({
  email: z.email({ error: "emailInvalid" }).trim().max(200, { error: "emailInvalid" }),
  name: z.string().trim().min(1, { error: "required" }).max(100, { error: "tooLong" }),
  department: z.string().trim().min(1, { error: "departmentRequired" }).max(100, { error: "tooLong" }),
  password,
});
export type InviteDepartmentUserInput = z.input<typeof inviteDepartmentUserSchema>;
