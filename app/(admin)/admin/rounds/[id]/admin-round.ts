import { notFound } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/db/client";
import { getRound } from "@/db/rounds";
import { requireRole } from "@/lib/auth/session";

// Once per request, although generateMetadata and the page both ask (React cache, keyed by the id).
const roundFor = cache(async (id: string) => {
  await requireRole("admin");
  const round = /^\d+$/.test(id) ? getRound(getDb(), Number(id)) : null;
  if (!round) notFound();
  return round;
});

/** The round of an admin page's `[id]`, for admins only; anything else is a 404. */
export async function adminRound(params: Promise<{ id: string }>) {
  return roundFor((await params).id);
}
