import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { AppealForm } from "@/components/appeals/appeal-form";
import { AppealList } from "@/components/appeals/appeal-list";
import { ItemScorecardTable } from "@/components/report/item-scorecard";
import { listAppealsForCity } from "@/db/appeal-lists";
import { getPreliminaryScorecard } from "@/db/scorecard";
import { mayActForCity } from "@/lib/auth/policy";
import { pick } from "@/lib/i18n/pick";
import { formatPoints } from "@/lib/i18n/points";
import { formatScoredValue } from "@/lib/questionnaire/format";
import { appealRefusal, isCorrectionWindowOpen, showsPreliminaryResults } from "@/lib/review/appeals";
import { type CityRoundParams, loadCityRound } from "../load";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("appeals"))("title") };
}

/** The city's preliminary scorecard (before finalisation) and, in the correction window, its appeals. */
export default async function PreliminaryResultsPage({ params }: { params: Promise<CityRoundParams> }) {
  const { db, user, city, round } = await loadCityRound(params);
  if (round.status === "finalised") redirect(`/rounds/${round.id}/report/cities/${city.code}`);
  if (!showsPreliminaryResults(round)) notFound();
  const card = getPreliminaryScorecard(db, round.id, city.id);
  if (!card) notFound();
  const [t, tq, tr, locale, format] = [
    await getTranslations("appeals"),
    await getTranslations("questionnaire"),
    await getTranslations("review"),
    await getLocale(),
    await getFormatter(),
  ];
  const appeals = listAppealsForCity(db, round.id, city.id);
  const windowOpen = isCorrectionWindowOpen(round) && mayActForCity(user, city.id);
  const labels = { yes: tq("yes"), no: tq("no"), empty: tq("empty"), notApplicable: tq("notApplicable") };
  const items = card.modules.flatMap((m) => m.indicators.flatMap((i) => i.items));

  return (
    <article className="space-y-6">
      <nav className="no-print text-sm">
        <Link href={`/rounds/${round.id}/cities/${city.code}`} className="text-brand-700 hover:underline">
          ← {pick(locale, city.nameZh, city.nameEn)} · {tq("backToDashboard")}
        </Link>
      </nav>
      <header className="space-y-2">
        <h1 className="text-2xl font-bold">{t("heading", { city: pick(locale, city.nameZh, city.nameEn) })}</h1>
        <p className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {t("preliminaryNote")}
        </p>
        <p className="text-lg font-semibold tabular-nums" data-testid="preliminary-total">
          {t("total", { points: formatPoints(card.total.points, locale) })}
        </p>
        <p className="text-sm text-slate-700">
          {round.appealDeadline
            ? windowOpen
              ? t("windowOpen", {
                  deadline: format.dateTime(round.appealDeadline, { dateStyle: "long", timeStyle: "short" }),
                })
              : t("windowClosed", {
                  deadline: format.dateTime(round.appealDeadline, { dateStyle: "long", timeStyle: "short" }),
                })
            : t("noWindow")}
        </p>
      </header>
      <ItemScorecardTable
        card={card}
        preliminary
        extra={(itemId) => {
          const entry = items.find((i) => i.item.id === itemId)!;
          const own = appeals.filter((a) => a.appeal.itemId === itemId);
          const canAppeal = !appealRefusal({
            windowOpen,
            verified: !entry.result.notSubmitted,
            maxPoints: entry.item.maxPoints,
            openAppeal: own.some((a) => a.appeal.status === "open"),
          });
          if (!own.length && !canAppeal) return null;
          const display = (value: unknown) =>
            formatScoredValue(entry.item, value, null, locale, labels, (j) => tr(`judgement.${j}`));
          return (
            <div className="space-y-1">
              {own.length > 0 && <AppealList appeals={own} display={display} />}
              {canAppeal && (
                <AppealForm
                  itemId={itemId}
                  itemLabel={`${entry.item.code} ${pick(locale, entry.item.nameZh, entry.item.nameEn)}`}
                />
              )}
            </div>
          );
        }}
      />
    </article>
  );
}
