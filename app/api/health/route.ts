import { NextResponse } from "next/server";

// Liveness probe for deployments, run on every request (never a cached build-time response); it is also the
// baseline of bench/autosave.
export const dynamic = "force-dynamic";

export function GET() {
  return NextResponse.json({ ok: true });
}
