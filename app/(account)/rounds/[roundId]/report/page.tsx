import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { cache } from "react";
import { BarChart } from "@/components/charts/bar-chart";
import { Pagination, pageHref } from "@/components/ui/pagination";
import { getDb } from "@/db/client";
import { getRoundReport, getRoundRobustness } from "@/db/report";
import { listFinalisations } from "@/db/signatures";
import { mayDownloadBundle, mayExportResults, maySeeScorecard } from "@/lib/auth/policy";
import { requireRole } from "@/lib/auth/session";
import { ownPublicKey } from "@/lib/config/signing-key";
import { pick, roundName } from "@/lib/i18n/pick";
import { formatPercent, formatPoints } from "@/lib/i18n/points";
import { pageOf } from "@/lib/pagination";
import { fingerprint, verifyRecord } from "@/lib/signing/signature";

type Params = { roundId: string };

// Once per request, although generateMetadata and the page both ask (React cache, keyed by the route's ids).
const loadFor = cache(async (roundId: string) => {
  const user = await requireRole("admin", "reviewer", "city_staff");
  const report = /^\d+$/.test(roundId) ? getRoundReport(getDb(), Number(roundId)) : null;
  if (!report) notFound();
  return { user, report };
});

async function load(params: Promise<Params>) {
  const { roundId } = await params;
  return loadFor(roundId);
}

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  const { report } = await load(params);
  return { title: `${(await getTranslations("report"))("title")} · ${report.round.name}` };
}

/** Cities per page of the ranking: the whole ranking is in the exports; a national round ranks thousands. */
const RANKING_PER_PAGE = 100;

export default async function ReportPage({
  params,
  searchParams,
}: {
  params: Promise<Params>;
  searchParams: Promise<{ page?: string }>;
}) {
  const { user, report } = await load(params);
  // A city's staff open the ranking on the page with their own city.
  const ownIndex = report.ranking.findIndex((r) => r.cityId === user.cityId);
  const requested =
    (await searchParams).page ?? (ownIndex >= 0 ? String(Math.floor(ownIndex / RANKING_PER_PAGE) + 1) : undefined);
  const ranking = pageOf(requested, report.ranking.length, RANKING_PER_PAGE);
  const [t, tr, tt, locale, format] = [
    await getTranslations("report"),
    await getTranslations("regions"),
    await getTranslations("tiers"),
    await getLocale(),
    await getFormatter(),
  ];
  const finalisations = listFinalisations(getDb(), report.round.id);
  const signed = finalisations.at(-1) ?? null;
  // The fingerprint published is the instance key's own, never the one stored with a record (which anyone who
  // can write the database could replace); a record it does not verify under is flagged.
  const instanceKey = ownPublicKey();
  const signatureHolds = !!signed && verifyRecord(signed.signed, instanceKey);
  const { summary, round } = report;
  const pts = (hundredths: number) => formatPoints(hundredths, locale);
  const pct = (fraction: number) => formatPercent(fraction, locale);
  // Band bounds are whole tens of points, but the last one is the round's maximum, which may not be.
  const bound = (hundredths: number) => formatPoints(hundredths, locale, hundredths % 100 === 0 ? 0 : 2);
  const exportable = mayExportResults(user);
  // How much each rank depends on the module weights and on single indicators (lib/scoring/robustness.ts).
  const robust = getRoundRobustness(getDb(), round.id);
  const robustOf = new Map(robust?.cities.map((c) => [c.id, c]) ?? []);
  const intervalOf = (cityId: number) => {
    const c = robustOf.get(cityId);
    return !c ? "—" : c.low === c.high ? String(c.low) : `${c.low}–${c.high}`;
  };
  const cityName = new Map(report.ranking.map((r) => [r.cityId, pick(locale, r.nameZh, r.nameEn)]));
  const leastStable = [...(robust?.cities ?? [])].sort((a, b) => b.width - a.width || a.rank - b.rank).slice(0, 10);
  const rho = (x: number) => format.number(x, { maximumFractionDigits: 3, minimumFractionDigits: 3 });
  return (
    <article className="space-y-8 print:space-y-6">
      <header className="space-y-1">
        <h1 className="text-2xl font-bold">
          {t("title")} · {roundName(locale, round)}
        </h1>
        {round.isDemo && <p className="text-sm font-medium text-amber-700">{t("demoNotice")}</p>}
        <p className="font-mono text-xs break-all text-slate-500">SHA-256 {round.digest}</p>
        {signed && (
          <div className="space-y-0.5 text-xs text-slate-600" data-testid="signature">
            <p>
              {t("signedBy")}{" "}
              <span className="font-mono break-all" data-testid="key-fingerprint">
                {fingerprint(instanceKey)}
              </span>
            </p>
            {!signatureHolds && (
              <p role="alert" className="font-medium text-red-700">
                {t("signatureInvalid")}
              </p>
            )}
            <p>
              {t("signedHead", {
                row: signed.signed.record.auditHead.id,
                hash: signed.signed.record.auditHead.hash.slice(0, 16),
                at: format.dateTime(new Date(signed.signed.record.signedAt), {
                  dateStyle: "medium",
                  timeStyle: "short",
                }),
              })}
            </p>
            {finalisations.length > 1 && (
              <details>
                <summary className="cursor-pointer">
                  {t("earlierFinalisations", { count: finalisations.length - 1 })}
                </summary>
                <ul className="ml-4 list-disc font-mono">
                  {finalisations.slice(0, -1).map((f) => (
                    <li key={f.id}>
                      {format.dateTime(new Date(f.signed.record.signedAt), { dateStyle: "medium", timeStyle: "short" })}{" "}
                      · {f.signed.record.digest}
                    </li>
                  ))}
                </ul>
              </details>
            )}
          </div>
        )}
        <div className="no-print flex flex-wrap gap-3 pt-2 text-sm">
          {exportable && (
            <>
              <a
                href={`/api/rounds/${round.id}/export?format=xlsx`}
                className="rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50"
              >
                {t("exportXlsx")}
              </a>
              <a
                href={`/api/rounds/${round.id}/export?format=csv`}
                className="rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50"
              >
                {t("exportCsv")}
              </a>
              <a
                href={`/api/rounds/${round.id}/export?format=csv&level=items`}
                className="rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50"
              >
                {t("exportItemsCsv")}
              </a>
            </>
          )}
          {signed && mayDownloadBundle(user, { kind: "round" }) && (
            <a
              href={`/api/rounds/${round.id}/bundle`}
              className="rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50"
            >
              {t("bundleRound")}
            </a>
          )}
          {signed && user.cityId !== null && (
            <a
              href={`/api/rounds/${round.id}/bundle`}
              className="rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50"
            >
              {t("bundleCity")}
            </a>
          )}
          {signed && (
            <Link href="/verify" className="rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50">
              {t("verifyPage")}
            </Link>
          )}
          {user.cityId !== null && (
            <Link
              href={`/rounds/${round.id}/report/cities/${report.ranking.find((r) => r.cityId === user.cityId)?.cityCode ?? ""}`}
              className="rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50"
            >
              {t("ownScorecard")}
            </Link>
          )}
        </div>
      </header>

      <section aria-labelledby="summary-heading">
        <h2 id="summary-heading" className="mb-3 text-lg font-semibold">
          {t("summary")}
        </h2>
        <dl className="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-6">
          {(
            [
              ["cities", String(summary.cities)],
              ["mean", pts(summary.mean)],
              ["median", pts(summary.median)],
              ["sd", pts(summary.sd)],
              ["min", pts(summary.min)],
              ["max", pts(summary.max)],
            ] as const
          ).map(([key, value]) => (
            <div key={key} className="rounded-lg border border-slate-200 bg-white p-3">
              <dt className="text-sm text-slate-500">{t(`stats.${key}`)}</dt>
              <dd className="text-xl font-semibold tabular-nums" data-testid={`stat-${key}`}>
                {value}
              </dd>
            </div>
          ))}
        </dl>
        {summary.absent > 0 && (
          <p className="mt-2 text-sm text-slate-600">{t("absentNote", { count: summary.absent })}</p>
        )}
      </section>

      <section aria-labelledby="distribution-heading" className="break-inside-avoid">
        <h2 id="distribution-heading" className="mb-1 text-lg font-semibold">
          {t("distribution")}
        </h2>
        <p className="mb-2 text-sm text-slate-600" data-testid="share-50-70">
          {t("share5070", { share: pct(report.share50to70) })}
        </p>
        <BarChart
          title={t("distribution")}
          max={Math.max(...report.bands.map((b) => b.count), 1)}
          bars={report.bands.map((b) => ({
            label: `${bound(b.from)}–${bound(b.to)}`,
            value: b.count,
            highlight: b.from >= 5000 && b.to <= 7000,
          }))}
        />
      </section>

      <section aria-labelledby="rates-heading" className="break-inside-avoid">
        <h2 id="rates-heading" className="mb-2 text-lg font-semibold">
          {t("moduleRates")}
        </h2>
        <BarChart
          title={t("moduleRates")}
          max={1}
          bars={[...report.moduleRates]
            .sort((a, b) => b.rate - a.rate)
            .map((m) => ({ label: pick(locale, m.nameZh, m.nameEn), value: m.rate, display: pct(m.rate) }))}
        />
        <table className="mt-2 w-full text-sm">
          <thead className="text-left text-slate-500">
            <tr>
              <th className="py-1">{t("module")}</th>
              <th>{t("meanScore")}</th>
              <th>{t("maxScore")}</th>
              <th>{t("rate")}</th>
            </tr>
          </thead>
          <tbody>
            {report.moduleRates.map((m) => (
              <tr key={m.code} data-testid={`rate-${m.code}`}>
                <td className="py-0.5">
                  {m.code} {pick(locale, m.nameZh, m.nameEn)}
                </td>
                <td className="tabular-nums">{pts(m.mean)}</td>
                <td className="tabular-nums">{pts(m.max)}</td>
                <td className="tabular-nums">{pct(m.rate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="regions-heading" className="break-inside-avoid">
        <h2 id="regions-heading" className="mb-2 text-lg font-semibold">
          {t("regions")}
        </h2>
        <ol className="space-y-1 text-sm">
          {report.regionTiers.map((tier, i) => (
            <li key={i} data-testid={`tier-${i + 1}`}>
              <span className="font-medium">{t("tier", { n: i + 1 })}</span>{" "}
              {tier.map((r) => `${tr(r.key)} ${pts(r.mean)}`).join(locale === "en" ? ", " : "、")}
            </li>
          ))}
        </ol>
        <h3 className="mt-4 mb-1 font-medium">{t("cityTiers")}</h3>
        <ul className="text-sm">
          {report.cityTiers.map((g) => (
            <li key={g.key}>
              {tt(g.key)}：{pts(g.mean)}（{t("count", { n: g.count })}）
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="ranking-heading">
        <h2 id="ranking-heading" className="mb-2 text-lg font-semibold">
          {t("ranking")}
        </h2>
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full text-sm">
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">
                  {t("rank")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("rankInterval")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("city")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("region")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("tierColumn")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("total")}
                </th>
                {report.moduleRates.map((m) => (
                  <th key={m.code} scope="col" className="px-3 py-2">
                    {m.code}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {report.ranking.slice(ranking.offset, ranking.offset + ranking.size).map((r) => (
                <tr key={r.cityId} className={r.cityId === user.cityId ? "bg-blue-50" : undefined}>
                  <td className="px-3 py-1.5 tabular-nums">{r.rank ?? t("absent")}</td>
                  <td className="px-3 py-1.5 tabular-nums text-slate-600" data-testid={`interval-${r.cityCode}`}>
                    {intervalOf(r.cityId)}
                  </td>
                  <td className="px-3 py-1.5">
                    {maySeeScorecard(user, r.cityId) ? (
                      <Link href={`/rounds/${round.id}/report/cities/${r.cityCode}`} className="hover:underline">
                        {pick(locale, r.nameZh, r.nameEn)}
                      </Link>
                    ) : (
                      pick(locale, r.nameZh, r.nameEn)
                    )}
                    {r.notSubmitted && !r.absent && (
                      <span className="ml-1 text-xs text-red-700">{t("notSubmittedFlag")}</span>
                    )}
                  </td>
                  <td className="px-3 py-1.5">{tr(r.region)}</td>
                  <td className="px-3 py-1.5">{tt(r.tier)}</td>
                  <td className="px-3 py-1.5 font-medium tabular-nums">{pts(r.total)}</td>
                  {report.moduleRates.map((m) => (
                    <td key={m.code} className="px-3 py-1.5 tabular-nums">
                      {pts(r.modules[m.code] ?? 0)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="no-print mt-2">
          <Pagination
            page={ranking}
            label={t(exportable ? "rankingPagesExport" : "rankingPages")}
            href={(n) => `${pageHref(`/rounds/${round.id}/report`, { page: String(n) }, 1)}#ranking-heading`}
          />
        </div>
      </section>
      {robust && (
        <section aria-labelledby="robustness-heading" className="space-y-3">
          <h2 id="robustness-heading" className="text-lg font-semibold">
            {t("robustness")}
          </h2>
          <p className="max-w-4xl text-sm text-slate-700">
            {t("robustnessSummary", {
              draws: robust.draws,
              spread: robust.spread * 100,
              mean: rho(robust.rho.mean),
              min: rho(robust.rho.min),
            })}
          </p>
          <div className="grid gap-4 lg:grid-cols-2">
            <div>
              <h3 className="mb-1 text-sm font-semibold">{t("leastStable")}</h3>
              <table className="min-w-full text-sm" aria-label={t("leastStable")}>
                <thead className="text-left text-slate-600">
                  <tr>
                    <th className="py-1 pr-3">{t("city")}</th>
                    <th className="py-1 pr-3">{t("rank")}</th>
                    <th className="py-1">{t("rankInterval")}</th>
                  </tr>
                </thead>
                <tbody>
                  {leastStable.map((c) => (
                    <tr key={c.id} className="border-t border-slate-100">
                      <td className="py-1 pr-3">{cityName.get(c.id)}</td>
                      <td className="py-1 pr-3 tabular-nums">{c.rank}</td>
                      <td className="py-1 tabular-nums">{intervalOf(c.id)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div>
              <h3 className="mb-1 text-sm font-semibold">{t("withoutIndicator")}</h3>
              <table className="min-w-full text-sm" aria-label={t("withoutIndicator")}>
                <thead className="text-left text-slate-600">
                  <tr>
                    <th className="py-1 pr-3">{t("indicatorRemoved")}</th>
                    <th className="py-1 pr-3">{t("spearman")}</th>
                    <th className="py-1">{t("maxShift")}</th>
                  </tr>
                </thead>
                <tbody>
                  {robust.withoutIndicator.map((w) => (
                    <tr key={w.code} className="border-t border-slate-100">
                      <td className="py-1 pr-3">{w.code}</td>
                      <td className="py-1 pr-3 tabular-nums">{rho(w.rho)}</td>
                      <td className="py-1 tabular-nums">{w.maxShift}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        </section>
      )}
    </article>
  );
}
