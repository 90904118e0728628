import type { Metadata } from "next";
import Link from "next/link";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { FinishedRounds } from "@/components/finished-rounds";
import { StatusBadge } from "@/components/status-badge";
import { ProgressBar } from "@/components/ui/progress-bar";
import { listDepartmentUsers, myAssignedItems } from "@/db/departments";
import { getModuleResults } from "@/db/report";
import { getReturnNote } from "@/db/review-feedback";
import { listFinalisedRoundsForCity } from "@/db/round-overview";
import { listModuleSummaries } from "@/db/submissions";
import { pick, roundName } from "@/lib/i18n/pick";
import { formatPoints } from "@/lib/i18n/points";
import { isCorrectionWindowOpen, showsPreliminaryResults } from "@/lib/review/appeals";
import { type CityRoundParams, loadQuestionnaireRound } from "./load";

export async function generateMetadata({ params }: { params: Promise<CityRoundParams> }): Promise<Metadata> {
  const { city } = await loadQuestionnaireRound(params);
  const locale = await getLocale();
  return { title: (await getTranslations("city"))("title", { city: pick(locale, city.nameZh, city.nameEn) }) };
}

export default async function CityDashboard({ params }: { params: Promise<CityRoundParams> }) {
  const { db, user, city, round } = await loadQuestionnaireRound(params);
  if (user.role === "department_staff") return <DepartmentHome params={params} />;
  const [t, tl, locale, format] = [
    await getTranslations("city"),
    await getTranslations("library"),
    await getLocale(),
    await getFormatter(),
  ];
  const modules = listModuleSummaries(db, round.id, city.id);
  const others = listFinalisedRoundsForCity(db, city.id).filter((r) => r.id !== round.id);
  // Once finalised, the published module scores (a module marked not submitted scores 0, whatever its draft holds).
  const final = round.status === "finalised" ? getModuleResults(db, round.id, city.id) : null;
  const base = `/rounds/${round.id}/cities/${city.code}`;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">{t("title", { city: pick(locale, city.nameZh, city.nameEn) })}</h1>
        <p className="mt-1 text-slate-600">{t("round", { round: roundName(locale, round) })}</p>
        {round.status === "finalised" && (
          <p className="mt-2 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
            {t("finalisedNote")}{" "}
            <Link href={`/rounds/${round.id}/report/cities/${city.code}`} className="underline">
              {t("scorecardLink")}
            </Link>
          </p>
        )}
        {showsPreliminaryResults(round) && (
          <p className="mt-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
            {round.appealDeadline && isCorrectionWindowOpen(round)
              ? t("preliminaryWithWindow", {
                  deadline: format.dateTime(round.appealDeadline, { dateStyle: "long", timeStyle: "short" }),
                })
              : t("preliminaryOut")}{" "}
            <Link href={`${base}/results`} className="underline">
              {t("preliminaryLink")}
            </Link>
          </p>
        )}
        {round.status === "open" && round.submissionDeadline && (
          <p className="mt-1 text-sm text-slate-600">
            {t("deadline", {
              deadline: format.dateTime(round.submissionDeadline, { dateStyle: "long", timeStyle: "short" }),
            })}
          </p>
        )}
      </div>
      <section aria-labelledby="modules-heading">
        <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="modules-heading" className="text-lg font-semibold">
            {t("modules")}
          </h2>
          <div className="space-y-1 text-sm">
            <p>
              <Link href={`${base}/library`} className="text-brand-700 underline">
                {tl("link")}
              </Link>
              <span className="ml-2 text-slate-500">{tl("linkHint")}</span>
            </p>
            <p>
              <Link href={`${base}/departments`} className="text-brand-700 underline">
                {t("departmentsLink")}
              </Link>
              <span className="ml-2 text-slate-500">{t("departmentsHint")}</span>
            </p>
          </div>
        </div>
        <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {modules.map((m) => {
            const name = pick(locale, m.nameZh, m.nameEn);
            const returnNote = m.status === "returned" && m.submissionId ? getReturnNote(db, m.submissionId) : null;
            return (
              <li
                key={m.moduleId}
                className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm"
                aria-label={name}
              >
                <div className="flex items-start justify-between gap-2">
                  <h3 className="font-semibold">
                    <Link href={`${base}/modules/${m.code}`} className="hover:text-brand-700 hover:underline">
                      <span className="mr-2 text-slate-400">{m.code}</span>
                      {name}
                    </Link>
                  </h3>
                  <StatusBadge status={m.status} />
                </div>
                <p className="mt-1 text-xs text-slate-500">
                  {t("maxPoints", { points: formatPoints(m.maxPoints, locale) })}
                  {m.version > 0 && ` · ${t("version", { version: m.version })}`}
                </p>
                {returnNote && (
                  <p
                    role="note"
                    className="mt-3 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900"
                  >
                    {t("returnedNote", {
                      stage: pick(locale, returnNote.stageNameZh, returnNote.stageNameEn),
                      date: format.dateTime(returnNote.at, { dateStyle: "medium" }),
                    })}
                    {returnNote.comment ? t("returnedComment", { comment: returnNote.comment }) : ""}
                  </p>
                )}
                {m.adjustedItems > 0 && (
                  <p className="mt-3 text-sm text-amber-800">
                    <Link href={`${base}/modules/${m.code}`} className="underline">
                      {t("adjustedItems", { count: m.adjustedItems })}
                    </Link>
                  </p>
                )}
                <p className="mt-4 mb-1 text-sm text-slate-700">
                  {t("answered", { answered: m.answered, total: m.total })}
                </p>
                <ProgressBar value={m.answered} max={m.total} label={t("progressLabel", { module: name })} />
                <dl className="mt-3 grid grid-cols-2 gap-2 text-sm">
                  <div>
                    <dt className="text-slate-500">{t("requiredAnswered")}</dt>
                    <dd className="font-medium tabular-nums">
                      {m.requiredAnswered} / {m.required}
                    </dd>
                  </div>
                  <div>
                    <dt className="text-slate-500">{t("missingEvidence")}</dt>
                    <dd className={`font-medium tabular-nums ${m.missingEvidence ? "text-amber-700" : ""}`}>
                      {m.missingEvidence}
                    </dd>
                  </div>
                  {m.rulesBroken > 0 && (
                    <div
                      className="col-span-2 rounded bg-red-50 px-2 py-1 text-red-900"
                      data-testid={`rules-broken-${m.code}`}
                    >
                      <dt className="inline">{t("rulesBroken")}</dt>
                      <dd className="ml-1 inline font-medium tabular-nums">{m.rulesBroken}</dd>
                    </div>
                  )}
                  {m.toCheck > 0 && (
                    <div className="col-span-2 rounded bg-amber-50 px-2 py-1 text-amber-900">
                      <dt className="inline">{t("toCheck")}</dt>
                      <dd className="ml-1 inline font-medium tabular-nums">{m.toCheck}</dd>
                    </div>
                  )}
                  <div className="col-span-2">
                    <dt className="text-slate-500">
                      {round.status === "finalised" ? t("finalScore") : t("provisionalScore")}
                    </dt>
                    <dd className="font-medium tabular-nums">
                      {t("pointsOf", {
                        points: formatPoints(final ? (final.get(m.code) ?? 0) : m.provisionalPoints, locale),
                        max: formatPoints(m.maxPoints, locale),
                      })}
                    </dd>
                  </div>
                </dl>
              </li>
            );
          })}
        </ul>
      </section>
      {others.length > 0 && <FinishedRounds rounds={others} cityCode={city.code} />}
    </div>
  );
}

/** A department user's start page: only the items the city's lead assigned to them, module by module. */
async function DepartmentHome({ params }: { params: Promise<CityRoundParams> }) {
  const { db, user, city, round } = await loadQuestionnaireRound(params);
  const [t, locale, format] = [await getTranslations("city"), await getLocale(), await getFormatter()];
  const mine = myAssignedItems(db, round.id, user);
  const department = listDepartmentUsers(db, city.id).find((u) => u.id === user.id)?.department ?? "";
  const base = `/rounds/${round.id}/cities/${city.code}`;
  const count = mine.reduce((n, m) => n + m.items.length, 0);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">{t("title", { city: pick(locale, city.nameZh, city.nameEn) })}</h1>
        <p className="mt-1 text-slate-600">{t("round", { round: roundName(locale, round) })}</p>
        {round.status === "open" && round.submissionDeadline && (
          <p className="mt-1 text-sm text-slate-600">
            {t("deadline", {
              deadline: format.dateTime(round.submissionDeadline, { dateStyle: "long", timeStyle: "short" }),
            })}
          </p>
        )}
      </div>
      <section aria-labelledby="my-items-heading" className="space-y-4">
        <h2 id="my-items-heading" className="text-lg font-semibold">
          {t("myItems")}
        </h2>
        {count === 0 ? (
          <p className="rounded-lg border border-slate-200 bg-white p-4 text-slate-600">{t("noItemsAssigned")}</p>
        ) : (
          <p className="text-sm text-slate-600">{t("myItemsIntro", { department, count })}</p>
        )}
        {mine.map((m) => {
          const name = pick(locale, m.nameZh, m.nameEn);
          return (
            <div key={m.code} className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm" aria-label={name}>
              <div className="flex flex-wrap items-start justify-between gap-2">
                <h3 className="font-semibold">
                  <span className="mr-2 text-slate-400">{m.code}</span>
                  {name}
                </h3>
                <StatusBadge status={m.status} />
              </div>
              <ul className="mt-3 space-y-1 text-sm">
                {m.items.map((i) => (
                  <li key={i.id} className="flex flex-wrap items-center gap-2">
                    <span className="text-slate-400">{i.code}</span>
                    <span>{pick(locale, i.nameZh, i.nameEn)}</span>
                    <span className={i.answered ? "text-emerald-700" : "text-amber-700"}>
                      {i.answered ? t("itemAnswered") : t("itemEmpty")}
                    </span>
                    {i.missingEvidence && <span className="text-amber-700">· {t("itemNoEvidence")}</span>}
                    {i.toCheck && <span className="text-amber-700">· {t("itemToCheck")}</span>}
                  </li>
                ))}
              </ul>
              <p className="mt-3">
                <Link href={`${base}/modules/${m.code}`} className="text-sm font-medium text-brand-700 underline">
                  {t("fillModule")}
                </Link>
              </p>
            </div>
          );
        })}
      </section>
    </div>
  );
}
