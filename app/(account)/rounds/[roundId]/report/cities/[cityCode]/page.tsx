import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";
import { cache } from "react";
import { RadarChart } from "@/components/charts/radar-chart";
import { ItemScorecardTable } from "@/components/report/item-scorecard";
import strategies from "@/data/strategies-2019.json";
import { getCityByCode } from "@/db/cities";
import { getDb } from "@/db/client";
import { getScorecard } from "@/db/report";
import { getItemScorecard } from "@/db/scorecard";
import { maySeeScorecard } from "@/lib/auth/policy";
import { requireRole } from "@/lib/auth/session";
import { pick } from "@/lib/i18n/pick";
import { formatPoints } from "@/lib/i18n/points";

type Params = { roundId: string; cityCode: string };
type Strategy = { title: { zh: string; en: string }; summary: { zh: string; en: string } };
// Chapter 4 of the source report: its six strategy areas, mapped to the modules they address.
const strategyByModule: Record<string, Strategy[]> = strategies.modules;

/** Admins and reviewers see every scorecard; city staff only their own city's. */
// Once per request, although generateMetadata and the page both ask (React cache, keyed by the route's ids).
const loadFor = cache(async (roundId: string, cityCode: string) => {
  const user = await requireRole("admin", "reviewer", "city_staff");
  const db = getDb();
  const city = getCityByCode(db, cityCode);
  if (!city || !/^\d+$/.test(roundId) || !maySeeScorecard(user, city.id)) notFound();
  const card = getScorecard(db, Number(roundId), city.id);
  const items = getItemScorecard(db, Number(roundId), city.id);
  if (!card || !items) notFound();
  return { city, card, items };
});

async function load(params: Promise<Params>) {
  const { roundId, cityCode } = await params;
  return loadFor(roundId, cityCode);
}

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  const { city } = await load(params);
  const locale = await getLocale();
  return {
    title: (await getTranslations("report"))("scorecardTitle", { city: pick(locale, city.nameZh, city.nameEn) }),
  };
}

export default async function ScorecardPage({ params }: { params: Promise<Params> }) {
  const { city, card, items } = await load(params);
  const [t, locale] = [await getTranslations("report"), await getLocale()];
  const pts = (hundredths: number) => formatPoints(hundredths, locale);
  const { entry, report } = card;
  const below = card.modules.filter((m) => m.points < m.mean);
  return (
    <article className="space-y-8">
      <nav className="no-print text-sm">
        <Link href={`/rounds/${report.round.id}/report`} className="text-brand-700 hover:underline">
          ← {t("title")}
        </Link>
      </nav>
      <header>
        <h1 className="text-2xl font-bold">{t("scorecardTitle", { city: pick(locale, city.nameZh, city.nameEn) })}</h1>
        <p className="mt-1 text-slate-700" data-testid="scorecard-total">
          {entry.rank === null
            ? t("scorecardAbsent", { total: pts(entry.total) })
            : t("scorecardTotal", {
                total: pts(entry.total),
                rank: entry.rank,
                cities: report.summary.cities,
                mean: pts(report.summary.mean),
              })}
        </p>
        {entry.notSubmitted && !entry.absent && <p className="text-sm text-red-700">{t("notSubmittedFlag")}</p>}
        {report.round.isDemo && <p className="text-sm font-medium text-amber-700">{t("demoNotice")}</p>}
      </header>
      <div className="grid gap-6 lg:grid-cols-[20rem_1fr]">
        <RadarChart
          title={t("radarTitle")}
          axes={card.modules.map((m) => pick(locale, m.nameZh, m.nameEn))}
          series={[
            { name: t("roundAverage"), values: card.modules.map((m) => m.rate), color: "#94a3b8" },
            {
              name: pick(locale, city.nameZh, city.nameEn),
              values: card.modules.map((m) => (m.max ? m.points / m.max : 0)),
              color: "#1d4ed8",
            },
          ]}
        />
        <table className="w-full self-start text-sm">
          <thead className="text-left text-slate-500">
            <tr>
              <th className="py-1">{t("module")}</th>
              <th>{t("cityScore")}</th>
              <th>{t("average")}</th>
              <th>{t("maxScore")}</th>
            </tr>
          </thead>
          <tbody>
            {card.modules.map((m) => (
              <tr key={m.code} data-testid={`scorecard-${m.code}`} className="align-top">
                <td className="py-1 font-medium">
                  {m.code} {pick(locale, m.nameZh, m.nameEn)}
                  <ul className="font-normal text-slate-600">
                    {m.indicators.map((i) => (
                      <li key={i.code}>
                        {i.code} {pick(locale, i.nameZh, i.nameEn)}：{pts(i.points)} / {pts(i.max)}（{t("average")}{" "}
                        {pts(i.average)}）
                      </li>
                    ))}
                  </ul>
                </td>
                <td className={`tabular-nums ${m.points < m.mean ? "text-red-700" : "text-emerald-700"}`}>
                  {pts(m.points)}
                </td>
                <td className="tabular-nums">{pts(m.mean)}</td>
                <td className="tabular-nums">{pts(m.max)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ItemScorecardTable card={items} />
      {below.length > 0 && (
        <section aria-labelledby="strategies-heading">
          <h2 id="strategies-heading" className="mb-2 text-lg font-semibold">
            {t("strategies")}
          </h2>
          <ul className="space-y-3">
            {below.flatMap((m) =>
              (strategyByModule[m.code] ?? []).map((s) => (
                <li key={`${m.code}-${s.title.zh}`} className="rounded-lg border border-slate-200 bg-white p-3 text-sm">
                  <p className="font-medium">
                    {m.code} · {pick(locale, s.title.zh, s.title.en)}
                  </p>
                  <p className="mt-1 text-slate-700">{pick(locale, s.summary.zh, s.summary.en)}</p>
                </li>
              )),
            )}
          </ul>
        </section>
      )}
    </article>
  );
}
