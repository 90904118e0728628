import { getLocale, getTranslations } from "next-intl/server";
import { Fragment } from "react";
import { pick } from "@/lib/i18n/pick";
import { formatPoints } from "@/lib/i18n/points";
import { formatScoredValue } from "@/lib/questionnaire/format";
import { derivationParams } from "@/lib/scoring/explain";
import type { ItemScorecard } from "@/lib/scoring/scorecard";

/**
 * Every item of one city: what it submitted, the value in force after review, the points, who decided what
 * at which stage and why, and the evidence with its SHA-256. Indicator and module subtotals add up to the total.
 */
/** An option's label as people read it (the derivation carries its stored value). */
function optionLabel(
  item: ItemScorecard["modules"][number]["indicators"][number]["items"][number]["item"],
  value: string,
  locale: string,
): string {
  const option = item.options?.find((o) => o.value === value);
  return option ? pick(locale, option.label.zh, option.label.en) : value;
}

export async function ItemScorecardTable({
  card,
  preliminary = false,
  extra,
}: {
  card: ItemScorecard;
  /** before finalisation: modules not yet verified are labelled so, not "not submitted" */
  preliminary?: boolean;
  /** more about an item under its row (the city's appeals) */
  extra?: (itemId: number) => React.ReactNode;
}) {
  const [t, tq, tr, td, locale] = [
    await getTranslations("report"),
    await getTranslations("questionnaire"),
    await getTranslations("review"),
    await getTranslations("derivation"),
    await getLocale(),
  ];
  const labels = { yes: tq("yes"), no: tq("no"), empty: tq("empty"), notApplicable: tq("notApplicable") };
  const show = (
    item: Parameters<typeof formatScoredValue>[0],
    value: unknown,
    notApplicableReason: string | null = null,
  ) => formatScoredValue(item, value, notApplicableReason, locale, labels, (j) => tr(`judgement.${j}`));
  return (
    <section aria-labelledby="items-heading" className="space-y-4">
      <h2 id="items-heading" className="text-lg font-semibold">
        {t("itemsTitle")}
      </h2>
      <p className="text-sm text-slate-600">{t("itemsIntro")}</p>
      {card.modules.map((m) => (
        <table
          key={m.code}
          className="w-full border-collapse text-sm"
          aria-label={`${m.code} ${pick(locale, m.nameZh, m.nameEn)}`}
        >
          <caption className="bg-slate-100 px-2 py-1.5 text-left font-semibold">
            {m.code} {pick(locale, m.nameZh, m.nameEn)}
            <span className="float-right tabular-nums" data-testid={`module-subtotal-${m.code}`}>
              {t("subtotal", { points: formatPoints(m.result.points, locale), max: formatPoints(m.maxPoints, locale) })}
            </span>
          </caption>
          <thead className="text-left text-xs text-slate-500">
            <tr>
              <th scope="col" className="px-2 py-1">
                {t("item")}
              </th>
              <th scope="col" className="px-2 py-1">
                {t("submittedValue")}
              </th>
              <th scope="col" className="px-2 py-1">
                {t("verifiedValue")}
              </th>
              <th scope="col" className="px-2 py-1 text-right">
                {t("itemPoints")}
              </th>
              <th scope="col" className="px-2 py-1">
                {t("decisions")}
              </th>
              <th scope="col" className="px-2 py-1">
                {t("evidence")}
              </th>
            </tr>
          </thead>
          {m.indicators.map((i) => (
            <tbody key={i.code} className="border-t border-slate-200 align-top">
              <tr className="bg-slate-50 text-xs">
                <th scope="rowgroup" colSpan={3} className="px-2 py-1 text-left font-medium">
                  {i.code} {pick(locale, i.nameZh, i.nameEn)}
                </th>
                <td className="px-2 py-1 text-right tabular-nums" data-testid={`indicator-subtotal-${i.code}`}>
                  {formatPoints(i.result.points, locale)} / {formatPoints(i.maxPoints, locale)}
                </td>
                <td colSpan={2} />
              </tr>
              {i.items.map(({ item, result, notApplicableReason, decisions, evidence, derivation }) => {
                const adjusted = decisions.some((d) => d.action === "adjust");
                const more = extra?.(item.id);
                return (
                  <Fragment key={item.id}>
                    <tr data-testid={`scorecard-item-${item.code}`} className="border-t border-slate-100">
                      <th scope="row" className="px-2 py-1 text-left font-normal">
                        <span className="text-slate-400">{item.code}</span> {pick(locale, item.nameZh, item.nameEn)}
                        <span className="block text-xs text-slate-500" data-testid={`derivation-${item.code}`}>
                          {td(derivation.key, {
                            ...derivationParams(derivation, locale),
                            ...(derivation.key === "single" && {
                              option: optionLabel(item, String(derivation.params.option), locale),
                            }),
                          })}
                        </span>
                      </th>
                      <td className="px-2 py-1">
                        {result.submittedValue === null && !notApplicableReason
                          ? "—"
                          : show(item, result.submittedValue, notApplicableReason)}
                      </td>
                      <td className="px-2 py-1">
                        {result.notSubmitted
                          ? t(preliminary ? "notVerifiedItem" : "notSubmittedItem")
                          : result.verifiedValue === null && (adjusted || !notApplicableReason)
                            ? "—"
                            : show(item, result.verifiedValue, adjusted ? null : notApplicableReason)}
                      </td>
                      <td className="px-2 py-1 text-right tabular-nums">
                        {formatPoints(result.points, locale)} / {formatPoints(item.maxPoints, locale)}
                      </td>
                      <td className="px-2 py-1">
                        <ul>
                          {decisions.map((d, k) => (
                            <li key={k}>
                              {pick(locale, d.stageNameZh, d.stageNameEn)} · {d.reviewerName}：
                              {tr(`decided.${d.action}`)}
                              {d.action === "adjust" && ` ${show(item, d.adjustedValue)}`}
                              {d.comment && `（${d.comment}）`}
                              {d.carriedFromVersion !== null &&
                                ` ${tr("carriedFrom", { version: d.carriedFromVersion })}`}
                            </li>
                          ))}
                        </ul>
                      </td>
                      <td className="px-2 py-1">
                        <ul>
                          {evidence.map((e) => (
                            <li key={e.id} className="break-all">
                              {e.kind === "url" ? e.url : e.originalName}
                              {e.sha256 && (
                                <span className="block font-mono text-[10px] text-slate-500">SHA-256 {e.sha256}</span>
                              )}
                            </li>
                          ))}
                        </ul>
                      </td>
                    </tr>
                    {more && (
                      <tr>
                        <td colSpan={6} className="px-2 pb-2">
                          {more}
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          ))}
        </table>
      ))}
    </section>
  );
}
