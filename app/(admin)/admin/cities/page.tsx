import type { Metadata } from "next";
import { getLocale, getTranslations } from "next-intl/server";
import { CityForm } from "@/components/admin/city-admin";
import { listCities } from "@/db/cities";
import { getDb } from "@/db/client";
import { requireRole } from "@/lib/auth/session";
import { pick } from "@/lib/i18n/pick";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("cities"))("title") };
}

export default async function CitiesPage() {
  await requireRole("admin");
  const [t, tr, tt, locale] = [await getTranslations("cities"), await getTranslations("regions"), await getTranslations("tiers"), await getLocale()];
  const cities = listCities(getDb()).filter((c) => !c.code.startsWith("synthetic-"));
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">{t("title")} <span className="text-base font-normal text-slate-500">({cities.length})</span></h1>
      <section className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
        <h2 className="mb-2 font-semibold">{t("add")}</h2>
        <CityForm />
      </section>
      <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
        {cities.map((c) => (
          <li key={c.id} className="px-4 py-2 text-sm">
            <details>
              <summary className="cursor-pointer">
                <span className="font-medium">{pick(locale, c.nameZh, c.nameEn)}</span>
                <span className="ml-2 text-slate-500">{c.code} · {pick(locale, c.provinceZh, c.provinceEn)} · {tr(c.region)} · {tt(c.tier)}{c.confirmed ? "" : ` · ${t("proposed")}`}</span>
              </summary>
              <div className="mt-2"><CityForm city={c} /></div>
            </details>
          </li>
        ))}
      </ul>
    </div>
  );
}
