import { NextResponse } from "next/server";
import { defineApiRoute } from "@/lib/api/route";

/** The readable reference is a page (/api-docs), styled like the app; this address leads there. */
export const GET = defineApiRoute({ public: true }, async (request) =>
  NextResponse.redirect(new URL("/api-docs", request.url), 308),
);
