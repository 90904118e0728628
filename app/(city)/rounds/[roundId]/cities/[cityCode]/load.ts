import { notFound } from "next/navigation";
import { cache } from "react";
import { getCityByCode } from "@/db/cities";
import { getDb } from "@/db/client";
import { getRound, isCityInRound } from "@/db/rounds";
import { mayOpenQuestionnaire, maySeeCity } from "@/lib/auth/policy";
import { requireRole } from "@/lib/auth/session";

export type CityRoundParams = { roundId: string; cityCode: string };

// Once per request, although generateMetadata and the page both ask (React cache, keyed by the route's ids).
const cityRoundFor = cache(async (roundId: string, cityCode: string) => {
  const user = await requireRole("city_staff", "department_staff", "admin");
  const db = getDb();
  const city = getCityByCode(db, cityCode);
  const round = /^\d+$/.test(roundId) ? getRound(db, Number(roundId)) : null;
  if (!city || !round || !mayOpenQuestionnaire(user, city.id) || !isCityInRound(db, round.id, city.id)) notFound();
  return { db, user, city, round };
});

/**
 * The round and city of the URL if the caller may see the whole city (its lead, admins); otherwise a 404 that
 * reveals nothing. Results, the library, departments and submission forms use it.
 */
export async function loadCityRound(params: Promise<CityRoundParams>) {
  const { roundId, cityCode } = await params;
  const found = await cityRoundFor(roundId, cityCode);
  if (!maySeeCity(found.user, found.city.id)) notFound();
  return found;
}

/**
 * The same for the questionnaire (the city's dashboard and module pages), which a department user of the city
 * opens too, to see and fill the items assigned to them (and only those: the page filters by db/departments.ts).
 */
export async function loadQuestionnaireRound(params: Promise<CityRoundParams>) {
  const { roundId, cityCode } = await params;
  return cityRoundFor(roundId, cityCode);
}
