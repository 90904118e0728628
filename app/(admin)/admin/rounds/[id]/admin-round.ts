import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { getRound } from "@/db/rounds";
import { requireRole } from "@/lib/auth/session";

/** The round of an admin page's `[id]`, for admins only; anything else is a 404. */
export async function adminRound(params: Promise<{ id: string }>) {
  await requireRole("admin");
  const { id } = await params;
  const round = /^\d+$/.test(id) ? getRound(getDb(), Number(id)) : null;
  if (!round) notFound();
  return round;
}
