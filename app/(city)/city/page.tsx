import { notFound, redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { getCityById } from "@/db/cities";
import { getDb } from "@/db/client";
import { getOpenRoundForCity } from "@/db/rounds";
import { requireRole } from "@/lib/auth/session";

/** City staff's start page: the dashboard of their city in the newest open round. */
export default async function CityHome() {
  const user = await requireRole("city_staff", "admin");
  if (user.role === "admin") redirect("/admin");
  const db = getDb();
  const city = user.cityId ? getCityById(db, user.cityId) : null;
  if (!city) notFound();
  const round = getOpenRoundForCity(db, city.id);
  if (round) redirect(`/rounds/${round.id}/cities/${city.code}`);
  const t = await getTranslations("city");
  return <p className="rounded-lg border border-slate-200 bg-white p-6 text-slate-600">{t("noOpenRound")}</p>;
}
