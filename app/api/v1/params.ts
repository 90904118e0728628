import { ActionError } from "@/lib/action";
import { roundIdParam } from "@/lib/api/schemas";

/** The round id of the path, or a 404 for anything that is not one. */
export function roundIdOf(params: { roundId: string }): number {
  const parsed = roundIdParam.safeParse(params.roundId);
  if (!parsed.success) throw new ActionError("notFound", 404);
  return parsed.data;
}
