import type { Metadata } from "next";
import Link from "next/link";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { CloneRoundForm, CreateRoundForm } from "@/components/admin/round-settings";
import { StatusBadge } from "@/components/status-badge";
import { Badge } from "@/components/ui/badge";
import { getDb } from "@/db/client";
import { listFrameworkYears } from "@/db/data-files";
import { listRoundsOverview } from "@/db/round-overview";
import { requireRole } from "@/lib/auth/session";
import { MODULE_STATUSES } from "@/lib/domain";
import { roundName } from "@/lib/i18n/pick";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("admin"))("title") };
}

export default async function AdminRoundsPage() {
  await requireRole("admin");
  const [t, tStatus, tRounds, format, locale] = [
    await getTranslations("admin"),
    await getTranslations("roundStatus"),
    await getTranslations("rounds"),
    await getFormatter(),
    await getLocale(),
  ];
  const rounds = listRoundsOverview(getDb());
  const date = (d: Date | null) => (d ? format.dateTime(d, { dateStyle: "medium" }) : t("notSet"));
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">{t("title")}</h1>
      <details className="group">
        <summary className="cursor-pointer text-sm font-medium text-brand-700">{tRounds("create")}</summary>
        <div className="mt-2">
          <CreateRoundForm frameworkYears={listFrameworkYears()} />
        </div>
      </details>
      {rounds.length > 0 && <CloneRoundForm rounds={rounds.map((r) => ({ id: r.id, name: r.name }))} />}
      {rounds.length === 0 && <p className="text-slate-600">{t("empty")}</p>}
      <ul className="space-y-4">
        {rounds.map((round) => (
          <li key={round.id} className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
            <article aria-labelledby={`round-${round.id}`}>
              <div className="flex flex-wrap items-center gap-2">
                <h2 id={`round-${round.id}`} className="text-lg font-semibold">
                  <Link href={`/admin/rounds/${round.id}`} className="hover:text-brand-700 hover:underline">
                    {roundName(locale, round)}
                  </Link>
                </h2>
                <Badge tone={round.status === "open" ? "green" : round.status === "finalised" ? "violet" : "slate"}>
                  {tStatus(round.status)}
                </Badge>
                {round.isDemo && <Badge tone="amber">{t("demo")}</Badge>}
                {round.status === "finalised" && (
                  <Link href={`/rounds/${round.id}/report`} className="ml-auto text-sm text-brand-700 hover:underline">
                    {t("report")}
                  </Link>
                )}
              </div>
              <dl className="mt-3 grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-3 lg:grid-cols-6">
                <Field label={t("year")} value={String(round.year)} />
                <Field label={t("cutoff")} value={round.dataCutoffDate ?? t("notSet")} />
                <Field label={t("submissionDeadline")} value={date(round.submissionDeadline)} />
                <Field label={t("reviewDeadline")} value={date(round.reviewDeadline)} />
                <Field label={t("cities")} value={t("citiesCount", { count: round.cities })} />
                <Field label={t("submissions")} value={t("modulesCount", { count: round.cities * round.modules })} />
              </dl>
              <ul aria-label={t("submissions")} className="mt-4 flex flex-wrap gap-3 text-sm">
                {MODULE_STATUSES.map((status) => (
                  <li key={status} className="flex items-center gap-1.5">
                    <StatusBadge status={status} />
                    <span className="font-medium tabular-nums">{round.byStatus[status] ?? 0}</span>
                  </li>
                ))}
              </ul>
            </article>
          </li>
        ))}
      </ul>
    </div>
  );
}

function Field({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-slate-500">{label}</dt>
      <dd className="font-medium text-slate-800">{value}</dd>
    </div>
  );
}
