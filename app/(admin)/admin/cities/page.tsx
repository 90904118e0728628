import type { Metadata } from "next";
import { getLocale, getTranslations } from "next-intl/server";
import { CityEntry, CityForm } from "@/components/admin/city-admin";
import { CityImport } from "@/components/admin/city-import";
import { listCities } from "@/db/cities";
import { getDb } from "@/db/client";
import { requireRole } from "@/lib/auth/session";
import { IMPORT_COLUMNS } from "@/lib/cities/import";
import { CITY_TIERS, REGIONS } from "@/lib/domain";
import { pick } from "@/lib/i18n/pick";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("cities"))("title") };
}

export default async function CitiesPage() {
  await requireRole("admin");
  const [t, tr, tt, ti, tc, locale] = [
    await getTranslations("cities"),
    await getTranslations("regions"),
    await getTranslations("tiers"),
    await getTranslations("cityImport"),
    await getTranslations("common"),
    await getLocale(),
  ];
  const cities = listCities(getDb());
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">
        {t("title")} <span className="text-base font-normal text-slate-500">({cities.length})</span>
      </h1>
      <section className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
        <h2 className="mb-2 font-semibold">{t("add")}</h2>
        <CityForm />
      </section>
      <section
        aria-labelledby="city-import-heading"
        className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 text-sm shadow-sm"
      >
        <h2 id="city-import-heading" className="font-semibold">
          {ti("title")}
        </h2>
        <p className="text-slate-600">{ti("intro")}</p>
        <details>
          <summary className="cursor-pointer">{ti("format")}</summary>
          <div className="mt-2 space-y-2">
            <p>{ti("formatHelp")}</p>
            <table className="text-left">
              <thead className="text-slate-600">
                <tr>
                  <th scope="col" className="pr-4 font-medium">
                    {ti("column")}
                  </th>
                  <th scope="col" className="pr-4 font-medium">
                    {ti("aliases")}
                  </th>
                  <th scope="col" className="font-medium">
                    {ti("content")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {IMPORT_COLUMNS.map((c) => (
                  <tr key={c.field}>
                    <td className="pr-4 font-mono">{c.header}</td>
                    <td className="pr-4">{c.aliases.join(" / ")}</td>
                    <td>{t(c.field)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p>{ti("valuesHelp")}</p>
            <ul className="list-inside list-disc">
              <li>
                {t("region")}
                {tc("colon")}
                {REGIONS.map((r) => `${r} ${tr(r)}`).join(" · ")}
              </li>
              <li>
                {t("tier")}
                {tc("colon")}
                {CITY_TIERS.map((r) => `${r} ${tt(r)}`).join(" · ")}
              </li>
            </ul>
          </div>
        </details>
        <CityImport />
      </section>
      <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
        {cities.map((c) => (
          <li key={c.id} className="px-4 py-2 text-sm">
            <CityEntry
              city={c}
              summary={
                <>
                  <span className="font-medium">{pick(locale, c.nameZh, c.nameEn)}</span>
                  <span className="ml-2 text-slate-500">
                    {c.code} · {pick(locale, c.provinceZh, c.provinceEn)} · {tr(c.region)} · {tt(c.tier)}
                    {c.confirmed ? "" : ` · ${t("proposed")}`}
                  </span>
                </>
              }
            />
          </li>
        ))}
      </ul>
    </div>
  );
}
