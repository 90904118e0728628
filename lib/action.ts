import { z } from "zod";
import type { Role } from "@/db/schema";
import type { SessionUser } from "@/db/users";
import { currentUser } from "@/lib/auth/session";

/** What every server action returns. Messages are keys of the "errors" namespace in messages/*.json. */
export type ActionResult<T = undefined> =
  | { ok: true; data: T }
  | { ok: false; formError?: string; fieldErrors?: Record<string, string[]> };

/** Thrown by an action body to refuse with a translated message, e.g. `throw new ActionError("roundFinalised")`. */
export class ActionError extends Error {
  constructor(public readonly key: string) {
    super(key);
  }
}

type Access = { public: true } | { roles: readonly Role[] };
type Ctx<A extends Access> = A extends { public: true } ? { user: SessionUser | null } : { user: SessionUser };

/**
 * The one wrapper of every server action (they are public HTTP endpoints):
 * parse with zod → authenticate → authorize by role → run (which checks ownership of every id it gets).
 */
export function defineAction<S extends z.ZodType, A extends Access, T>(
  schema: S,
  access: A,
  run: (input: z.output<S>, ctx: Ctx<A>) => Promise<T> | T,
): (input: z.input<S>) => Promise<ActionResult<T>> {
  return async (input) => {
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      const { formErrors, fieldErrors } = z.flattenError(parsed.error);
      return { ok: false, formError: formErrors[0] ?? "invalidInput", fieldErrors: fieldErrors as Record<string, string[]> };
    }
    const user = await currentUser();
    if (!("public" in access)) {
      if (!user) return { ok: false, formError: "unauthenticated" };
      if (!access.roles.includes(user.role)) return { ok: false, formError: "forbidden" };
    }
    try {
      return { ok: true, data: await run(parsed.data, { user } as Ctx<A>) };
    } catch (error) {
      if (error instanceof ActionError) return { ok: false, formError: error.key };
      throw error; // redirects and notFound propagate; anything else is a bug and must surface
    }
  };
}
