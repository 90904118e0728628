import type { Metadata } from "next";
import Link from "next/link";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { FrameworkEditor } from "@/components/admin/framework-editor";
import { getDb } from "@/db/client";
import { exportFramework } from "@/db/framework";
import { getFrameworkImpact } from "@/db/report";
import { frameworkRevision } from "@/lib/framework/revision";
import { pick, roundName } from "@/lib/i18n/pick";
import { formatPoints } from "@/lib/i18n/points";
import { roundAllows } from "@/lib/workflow/round-lifecycle";
import { adminRound } from "../admin-round";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const round = await adminRound(params);
  return { title: `${(await getTranslations("frameworkEditor"))("title")} · ${round.name}` };
}

export default async function FrameworkEditorPage({ params }: { params: Promise<{ id: string }> }) {
  const round = await adminRound(params);
  const t = await getTranslations("frameworkEditor");
  const db = getDb();
  const framework = exportFramework(db, round.id);
  return (
    <div className="space-y-4">
      <Link href={`/admin/rounds/${round.id}`} className="text-sm text-brand-700 hover:underline">
        ← {round.name}
      </Link>
      <h1 className="text-2xl font-bold">{t("title")}</h1>
      <FrameworkEditor
        roundId={round.id}
        initial={framework}
        revision={frameworkRevision(framework)}
        editable={roundAllows("edit_framework", round.status)}
      />
      <ImpactPanel roundId={round.id} />
    </div>
  );
}

/** What the saved draft framework would do to the results of the finalised round this one was cloned from. */
async function ImpactPanel({ roundId }: { roundId: number }) {
  const found = getFrameworkImpact(getDb(), roundId);
  if (!found) return null;
  const [t, locale, format] = [await getTranslations("impact"), await getLocale(), await getFormatter()];
  const { impact, names, source } = found;
  const name = (id: number) => {
    const c = names.get(id);
    return c ? pick(locale, c.nameZh, c.nameEn) : String(id);
  };
  const pts = (h: number) => formatPoints(h, locale);
  const changed = impact.cities.filter((c) => c.newTotal !== c.oldTotal).length;
  return (
    <section
      aria-labelledby="impact-heading"
      className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 text-sm shadow-sm"
    >
      <h2 id="impact-heading" className="text-lg font-semibold">
        {t("title", { round: roundName(locale, source) })}
      </h2>
      <p className="text-slate-600">{t("intro")}</p>
      <p data-testid="impact-summary">
        {t("summary", {
          changed,
          cities: impact.cities.length,
          rho: format.number(impact.rho, { minimumFractionDigits: 3, maximumFractionDigits: 3 }),
        })}
      </p>
      {impact.unmapped.length > 0 && (
        <p className="text-amber-800">
          {t("unmapped", {
            items: impact.unmapped.map((u) => `${u.code}（${t(`reasons.${u.reason}`)}）`).join("、"),
          })}
        </p>
      )}
      {impact.movers.length > 0 ? (
        <table className="min-w-full" aria-label={t("movers")}>
          <caption className="mb-1 text-left font-semibold">{t("movers")}</caption>
          <thead className="text-left text-slate-600">
            <tr>
              <th className="py-1 pr-3">{t("city")}</th>
              <th className="py-1 pr-3">{t("oldTotal")}</th>
              <th className="py-1 pr-3">{t("newTotal")}</th>
              <th className="py-1 pr-3">{t("oldRank")}</th>
              <th className="py-1">{t("newRank")}</th>
            </tr>
          </thead>
          <tbody>
            {impact.movers.map((c) => (
              <tr key={c.id} className="border-t border-slate-100">
                <td className="py-1 pr-3">{name(c.id)}</td>
                <td className="py-1 pr-3 tabular-nums">{pts(c.oldTotal)}</td>
                <td className="py-1 pr-3 tabular-nums">{pts(c.newTotal)}</td>
                <td className="py-1 pr-3 tabular-nums">{c.oldRank}</td>
                <td className="py-1 tabular-nums">
                  {c.newRank}
                  {c.shift > 0 ? t("up", { n: c.shift }) : t("down", { n: -c.shift })}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="text-slate-600">{t("noMovers")}</p>
      )}
      <details>
        <summary className="cursor-pointer">{t("allCities")}</summary>
        <table className="mt-2 min-w-full" aria-label={t("allCities")}>
          <thead className="text-left text-slate-600">
            <tr>
              <th className="py-1 pr-3">{t("city")}</th>
              <th className="py-1 pr-3">{t("oldTotal")}</th>
              <th className="py-1 pr-3">{t("newTotal")}</th>
              <th className="py-1 pr-3">{t("oldRank")}</th>
              <th className="py-1">{t("newRank")}</th>
            </tr>
          </thead>
          <tbody>
            {[...impact.cities]
              .sort((a, b) => a.newRank - b.newRank)
              .slice(0, 200)
              .map((c) => (
                <tr key={c.id} className="border-t border-slate-100" data-testid={`impact-${c.id}`}>
                  <td className="py-1 pr-3">{name(c.id)}</td>
                  <td className="py-1 pr-3 tabular-nums">{pts(c.oldTotal)}</td>
                  <td className="py-1 pr-3 tabular-nums">{pts(c.newTotal)}</td>
                  <td className="py-1 pr-3 tabular-nums">{c.oldRank}</td>
                  <td className="py-1 tabular-nums">{c.newRank}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}
