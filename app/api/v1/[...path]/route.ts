import { ActionError } from "@/lib/action";
import { defineApiRoute } from "@/lib/api/route";

/**
 * Any other address under /api/v1 answers as the API does: its one error body (JSON, translated), not the app's
 * HTML page. It reads nothing, so every caller gets the same answer.
 */
const notFound = defineApiRoute<{ path: string[] }, { public: true }>({ public: true }, async () => {
  throw new ActionError("notFound", 404);
});

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
