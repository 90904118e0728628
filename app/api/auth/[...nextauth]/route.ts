import { NextRequest } from "next/server";
import { ActionError, errorResponse, readBody } from "@/lib/action";
import { handlers } from "@/lib/auth/auth";

/** A sign-in or sign-out form is a few hundred bytes; Auth.js itself would read any body whole. */
const FORM_MAX_BYTES = 8 * 1024;

export const { GET } = handlers;

/**
 * Auth.js's endpoints (sign-in callback, sign-out, session update) only take the URL-encoded forms its own
 * pages and the app's sign-in post; anything else is refused before it is read, a large body while it is read.
 */
export async function POST(request: NextRequest) {
  if (!request.headers.get("content-type")?.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    return errorResponse(new ActionError("invalidInput", 415));
  }
  try {
    const body = await readBody(
      request,
      FORM_MAX_BYTES,
      new ActionError("bodyTooLarge", 413, { max: FORM_MAX_BYTES / 1024 }),
    );
    const form = new TextDecoder().decode(body);
    return await handlers.POST(new NextRequest(request.url, { method: "POST", headers: request.headers, body: form }));
  } catch (error) {
    if (error instanceof ActionError) return errorResponse(error);
    throw error;
  }
}
