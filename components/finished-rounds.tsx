import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { roundName } from "@/lib/i18n/pick";
import { formatPoints } from "@/lib/i18n/points";

export type FinishedRound = {
  id: number;
  name: string;
  nameEn: string | null;
  total: number | null;
  rank: number | null;
  ranked: number;
};

/** The city's finalised rounds: its published total and rank, and a link to its scorecard. */
export async function FinishedRounds({ rounds, cityCode }: { rounds: FinishedRound[]; cityCode: string }) {
  const [t, locale] = [await getTranslations("city"), await getLocale()];
  return (
    <section aria-labelledby="finished-heading">
      <h2 id="finished-heading" className="mb-2 text-lg font-semibold">
        {t("finishedRounds")}
      </h2>
      <ul className="divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white shadow-sm">
        {rounds.map((r) => (
          <li key={r.id} className="flex flex-wrap items-center gap-x-6 gap-y-1 px-4 py-3 text-sm">
            <span className="font-medium">{roundName(locale, r)}</span>
            <span className="tabular-nums">
              {r.total === null ? t("notRanked") : t("finalTotal", { points: formatPoints(r.total, locale) })}
            </span>
            <span className="tabular-nums">
              {r.rank === null ? t("notRanked") : t("finalRank", { rank: r.rank, of: r.ranked })}
            </span>
            <Link href={`/rounds/${r.id}/report/cities/${cityCode}`} className="ml-auto text-brand-700 underline">
              {t("scorecardLink")}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
