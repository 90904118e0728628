import { NextResponse } from "next/server";

// Liveness probe for deployments; also the baseline of bench/autosave.
export function GET() {
  return NextResponse.json({ ok: true });
}
