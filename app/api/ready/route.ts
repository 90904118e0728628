import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { readiness } from "@/db/readiness";
import { dataDir } from "@/lib/config/paths";

/**
 * Readiness (for a load balancer or an operator): the database answers and takes writes, its migrations are
 * current, the evidence directory is writable and the disk has room. 200 or 503 with the names of the checks
 * that failed — no paths, no error text. `/api/health` stays the cheap liveness probe.
 */
export async function GET() {
  const checks = await readiness(getDb(), dataDir());
  const ok = Object.values(checks).every(Boolean);
  return NextResponse.json({ ok, checks }, { status: ok ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
