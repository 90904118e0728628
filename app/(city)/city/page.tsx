import { notFound, redirect } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";
import { FinishedRounds } from "@/components/finished-rounds";
import { getCityById } from "@/db/cities";
import { getDb } from "@/db/client";
import { openRoundWithAssignments } from "@/db/departments";
import { listFinalisedRoundsForCity } from "@/db/round-overview";
import { getOpenRoundForCity } from "@/db/rounds";
import { requireRole } from "@/lib/auth/session";
import { pick } from "@/lib/i18n/pick";

/** A city's lead's and department users' start page: the dashboard of their city in the newest open round, or the published results. */
export default async function CityHome() {
  const user = await requireRole("city_staff", "department_staff", "admin");
  if (user.role === "admin") redirect("/admin");
  const db = getDb();
  const city = user.cityId ? getCityById(db, user.cityId) : null;
  if (!city) notFound();
  // A department user starts in the round where the city's lead gave them items.
  const roundId =
    (user.role === "department_staff" ? openRoundWithAssignments(db, user.id) : null) ??
    getOpenRoundForCity(db, city.id)?.id;
  if (roundId) redirect(`/rounds/${roundId}/cities/${city.code}`);
  const t = await getTranslations("city");
  const finished = listFinalisedRoundsForCity(db, city.id);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">{t("home", { city: pick(await getLocale(), city.nameZh, city.nameEn) })}</h1>
      <p className="rounded-lg border border-slate-200 bg-white p-4 text-slate-600">{t("noOpenRound")}</p>
      {finished.length > 0 && user.role === "city_staff" && <FinishedRounds rounds={finished} cityCode={city.code} />}
    </div>
  );
}
