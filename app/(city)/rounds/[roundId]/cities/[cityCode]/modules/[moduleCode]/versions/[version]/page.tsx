import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { PrintButton } from "@/components/print-button";
import { getSubmissionForm } from "@/db/submission-form";
import { pick, roundName } from "@/lib/i18n/pick";
import { formatAnswer } from "@/lib/questionnaire/format";
import { groupedHash } from "@/lib/questionnaire/snapshot-hash";
import { type CityRoundParams, loadCityRound } from "../../../../load";

type Params = CityRoundParams & { moduleCode: string; version: string };

async function load(params: Promise<Params>) {
  const base = await loadCityRound(params);
  const { moduleCode, version } = await params;
  const form = /^\d{1,6}$/.test(version)
    ? getSubmissionForm(base.db, base.round.id, base.city.id, moduleCode, Number(version))
    : null;
  if (!form) notFound();
  return { ...base, form };
}

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  const { form, city } = await load(params);
  const [t, locale] = [await getTranslations("submissionForm"), await getLocale()];
  return {
    title: t("pageTitle", {
      city: pick(locale, city.nameZh, city.nameEn),
      module: pick(locale, form.module.nameZh, form.module.nameEn),
      version: form.version,
    }),
  };
}

/**
 * The submission form of a submitted version (填报确认书), to print (or save as PDF), seal and sign: what was
 * submitted, by whom and when, and the version's fingerprint that ties the paper to the record.
 */
export default async function SubmissionFormPage({ params }: { params: Promise<Params> }) {
  const { city, round, form } = await load(params);
  const [t, tq, locale, format] = [
    await getTranslations("submissionForm"),
    await getTranslations("questionnaire"),
    await getLocale(),
    await getFormatter(),
  ];
  const labels = { yes: tq("yes"), no: tq("no"), empty: tq("empty"), notApplicable: tq("notApplicable") };
  const answerOf = new Map(form.snapshot.answers.map((a) => [a.itemCode, a]));
  const nameOf = new Map(form.items.map((i) => [i.code, pick(locale, i.nameZh, i.nameEn)]));
  const cityName = pick(locale, city.nameZh, city.nameEn);
  const moduleName = `${form.module.code} ${pick(locale, form.module.nameZh, form.module.nameEn)}`;
  const cell = "border border-slate-300 px-2 py-1 align-top";
  return (
    <article className="mx-auto max-w-4xl space-y-5 bg-white p-6 text-sm print:p-0">
      <nav className="no-print flex flex-wrap items-center justify-between gap-2">
        <Link
          href={`/rounds/${round.id}/cities/${city.code}/modules/${form.module.code}`}
          className="text-brand-700 hover:underline"
        >
          ← {t("back")}
        </Link>
        <PrintButton label={t("print")} />
      </nav>
      <header className="text-center">
        <h1 className="text-xl font-bold">{t("title")}</h1>
        <p className="mt-1 text-slate-600">{roundName(locale, round)}</p>
      </header>
      <table className="w-full border-collapse">
        <tbody>
          <tr>
            <th className={`${cell} w-36 bg-slate-50 text-left`}>{t("city")}</th>
            <td className={cell}>{cityName}</td>
            <th className={`${cell} w-36 bg-slate-50 text-left`}>{t("module")}</th>
            <td className={cell}>{moduleName}</td>
          </tr>
          <tr>
            <th className={`${cell} bg-slate-50 text-left`}>{t("version")}</th>
            <td className={cell}>{tq("version", { version: form.version })}</td>
            <th className={`${cell} bg-slate-50 text-left`}>{t("submitted")}</th>
            <td className={cell}>
              {form.submittedByName ?? "—"} ·{" "}
              {format.dateTime(form.submittedAt, { dateStyle: "long", timeStyle: "short" })}
            </td>
          </tr>
          <tr>
            <th className={`${cell} bg-slate-50 text-left`}>{t("fingerprint")}</th>
            <td className={`${cell} font-mono text-xs`} colSpan={3} data-testid="snapshot-hash">
              {groupedHash(form.hash)}
            </td>
          </tr>
        </tbody>
      </table>

      <section>
        <h2 className="mb-2 font-semibold">{t("answers")}</h2>
        <table className="w-full border-collapse">
          <thead>
            <tr className="bg-slate-50">
              <th className={`${cell} w-16 text-left`}>{t("code")}</th>
              <th className={`${cell} text-left`}>{t("item")}</th>
              <th className={`${cell} text-left`}>{t("value")}</th>
            </tr>
          </thead>
          <tbody>
            {form.items.map((item) => (
              <tr key={item.code}>
                <td className={cell}>{item.code}</td>
                <td className={cell}>{nameOf.get(item.code)}</td>
                <td className={cell} data-testid={`form-${item.code}`}>
                  {formatAnswer(
                    item,
                    answerOf.get(item.code) ?? { value: null, notApplicableReason: null },
                    locale,
                    labels,
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section>
        <h2 className="mb-2 font-semibold">{t("evidence", { count: form.snapshot.evidence.length })}</h2>
        {form.snapshot.evidence.length === 0 ? (
          <p className="text-slate-600">{t("noEvidence")}</p>
        ) : (
          <table className="w-full border-collapse">
            <thead>
              <tr className="bg-slate-50">
                <th className={`${cell} w-16 text-left`}>{t("code")}</th>
                <th className={`${cell} text-left`}>{t("file")}</th>
                <th className={`${cell} text-left`}>SHA-256</th>
              </tr>
            </thead>
            <tbody>
              {form.snapshot.evidence.map((e, i) => (
                <tr key={`${e.itemCode}-${i}`}>
                  <td className={cell}>{e.itemCode}</td>
                  <td className={`${cell} break-all`}>{e.kind === "url" ? e.url : e.originalName}</td>
                  <td className={`${cell} font-mono text-xs break-all`}>{e.sha256 ?? t("link")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="space-y-6">
        <p>{t("declaration", { version: form.version })}</p>
        <div className="grid grid-cols-3 gap-6 pt-20">
          {[t("seal"), t("signature"), t("date")].map((label) => (
            <div key={label} className="border-t border-slate-400 pt-1 text-center text-slate-700">
              {label}
            </div>
          ))}
        </div>
        <p className="text-xs text-slate-500">{t("howToMatch", { hash: groupedHash(form.hash).slice(0, 17) })}</p>
      </section>
    </article>
  );
}
