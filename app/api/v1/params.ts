import { ActionError } from "@/lib/action";
import { roundIdParam } from "@/lib/api/schemas";

/** The round id of the path, or a 404 for anything that is not one. */
export function roundIdOf(params: { roundId: string }): number {
  // Digits only: "1e0" or " 1" name no round.
  const parsed = /^[1-9]\d{0,9}$/.test(params.roundId) ? roundIdParam.safeParse(params.roundId) : null;
  if (!parsed?.success) throw new ActionError("notFound", 404);
  return parsed.data;
}
