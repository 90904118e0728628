import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";
import { StatusBadge } from "@/components/status-badge";
import { ProgressBar } from "@/components/ui/progress-bar";
import { getCityByCode } from "@/db/cities";
import { getDb } from "@/db/client";
import { getRound, isCityInRound } from "@/db/rounds";
import { listModuleProgress } from "@/db/submissions";
import { canSeeCity, requireRole } from "@/lib/auth/session";
import { formatPoints, pick } from "@/lib/i18n/pick";

type Params = { roundId: string; cityCode: string };

/** The round and city of the URL, if the caller may see them; otherwise a 404 that reveals nothing. */
async function load(params: Promise<Params>) {
  const user = await requireRole("city_staff", "admin");
  const { roundId, cityCode } = await params;
  const db = getDb();
  const city = getCityByCode(db, cityCode);
  const round = /^\d+$/.test(roundId) ? getRound(db, Number(roundId)) : null;
  if (!city || !round || !canSeeCity(user, city.id) || !isCityInRound(db, round.id, city.id)) notFound();
  return { db, city, round };
}

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  const { city } = await load(params);
  const locale = await getLocale();
  return { title: (await getTranslations("city"))("title", { city: pick(locale, city.nameZh, city.nameEn) }) };
}

export default async function CityDashboard({ params }: { params: Promise<Params> }) {
  const { db, city, round } = await load(params);
  const [t, locale] = [await getTranslations("city"), await getLocale()];
  const modules = listModuleProgress(db, round.id, city.id);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">{t("title", { city: pick(locale, city.nameZh, city.nameEn) })}</h1>
        <p className="mt-1 text-slate-600">{t("round", { round: round.name })}</p>
      </div>
      <section aria-labelledby="modules-heading">
        <h2 id="modules-heading" className="mb-3 text-lg font-semibold">{t("modules")}</h2>
        <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {modules.map((m) => {
            const name = pick(locale, m.nameZh, m.nameEn);
            return (
              <li key={m.moduleId} className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm" aria-label={name}>
                <div className="flex items-start justify-between gap-2">
                  <h3 className="font-semibold">
                    <span className="mr-2 text-slate-400">{m.code}</span>
                    {name}
                  </h3>
                  <StatusBadge status={m.status} />
                </div>
                <p className="mt-1 text-xs text-slate-500">
                  {t("maxPoints", { points: formatPoints(m.maxPoints) })}
                  {m.version !== null && ` · ${t("version", { version: m.version })}`}
                </p>
                <p className="mt-4 mb-1 text-sm text-slate-700">{t("answered", { answered: m.answered, total: m.total })}</p>
                <ProgressBar value={m.answered} max={m.total} label={t("progressLabel", { module: name })} />
              </li>
            );
          })}
        </ul>
      </section>
    </div>
  );
}
