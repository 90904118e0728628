import { notFound } from "next/navigation";
import { getCityByCode } from "@/db/cities";
import { getDb } from "@/db/client";
import { getRound, isCityInRound } from "@/db/rounds";
import { maySeeCity } from "@/lib/auth/policy";
import { requireRole } from "@/lib/auth/session";

export type CityRoundParams = { roundId: string; cityCode: string };

/** The round and city of the URL if the caller may see them; otherwise a 404 that reveals nothing. */
export async function loadCityRound(params: Promise<CityRoundParams>) {
  const user = await requireRole("city_staff", "admin");
  const { roundId, cityCode } = await params;
  const db = getDb();
  const city = getCityByCode(db, cityCode);
  const round = /^\d+$/.test(roundId) ? getRound(db, Number(roundId)) : null;
  if (!city || !round || !maySeeCity(user, city.id) || !isCityInRound(db, round.id, city.id)) notFound();
  return { db, user, city, round };
}
