/**
 * The rows of a finalised round's exports, as people read them: one row per city (rank, total, modules, region,
 * tier, flags) and one per city and item (values as shown on screen, points, review status, every stage's
 * decision). Texts come from the caller's translations; points are numbers (hundredths → points, so that a
 * sum in a spreadsheet is a sum of points). The route streams them as CSV or as an Excel workbook.
 */

import type { Item } from "@/lib/framework/item";
import { pick } from "@/lib/i18n/pick";
import { formatScoredValue } from "@/lib/questionnaire/format";
import { toPoints } from "@/lib/scoring/hundredths";

type Translate = (key: string) => string;

export type SheetTexts = {
  locale: string;
  /** export.* */
  t: Translate;
  region: Translate;
  tier: Translate;
  status: Translate;
  hasStatus: (key: string) => boolean;
  decided: Translate;
  judgement: Translate;
  values: { yes: string; no: string; empty: string; notApplicable: string };
};

type Module = { code: string; nameZh: string; nameEn: string };

export type RankedCity = {
  nameZh: string;
  nameEn: string;
  region: string;
  tier: string;
  rank: number | null;
  total: number;
  modules: Record<string, number>;
  notSubmitted: boolean;
  absent: boolean;
};

export type ItemResultRow = {
  city: { nameZh: string; nameEn: string };
  item: Pick<Item, "code" | "nameZh" | "nameEn" | "answerType" | "options" | "unitZh" | "unitEn" | "maxPoints">;
  result: {
    code: string;
    points: number;
    submittedValue?: unknown;
    verifiedValue?: unknown;
    reviewStatus: string | null;
    notSubmitted: boolean;
  };
  notApplicableReason: string | null;
  decisions: {
    stageNameZh: string;
    stageNameEn: string;
    reviewerName: string;
    action: string;
    adjustedValue: unknown;
    comment: string | null;
  }[];
};

export function cityHeader(texts: SheetTexts, modules: Module[]): string[] {
  const { t, locale } = texts;
  return [
    t("rank"),
    t("city"),
    t("region"),
    t("tier"),
    t("total"),
    ...modules.map((m) => `${m.code} ${pick(locale, m.nameZh, m.nameEn)}`),
    t("notSubmitted"),
  ];
}

export function cityRow(texts: SheetTexts, modules: Module[], r: RankedCity): (string | number)[] {
  const { t, locale } = texts;
  return [
    r.rank ?? t("absent"),
    pick(locale, r.nameZh, r.nameEn),
    texts.region(r.region),
    texts.tier(r.tier),
    toPoints(r.total),
    ...modules.map((m) => toPoints(r.modules[m.code] ?? 0)),
    r.absent ? t("absent") : r.notSubmitted ? t("yes") : "",
  ];
}

export function itemHeader({ t }: SheetTexts): string[] {
  return [
    t("city"),
    t("item"),
    t("itemName"),
    t("submitted"),
    t("verified"),
    t("points"),
    t("maxPoints"),
    t("reviewStatus"),
    t("decisions"),
  ];
}

export function itemRow(texts: SheetTexts, row: ItemResultRow): (string | number)[] {
  const { locale } = texts;
  const { item, result } = row;
  const show = (value: unknown, notApplicableReason: string | null = null) =>
    formatScoredValue(item, value, notApplicableReason, locale, texts.values, texts.judgement);
  // An adjusted item is scored on the reviewer's value, whatever the city's not-applicable reason.
  const adjusted = row.decisions.some((d) => d.action === "adjust");
  const status = result.reviewStatus ?? "";
  return [
    pick(locale, row.city.nameZh, row.city.nameEn),
    result.code,
    pick(locale, item.nameZh, item.nameEn),
    show(result.submittedValue, row.notApplicableReason),
    result.notSubmitted
      ? texts.status("not_submitted")
      : show(result.verifiedValue, adjusted ? null : row.notApplicableReason),
    toPoints(result.points),
    toPoints(item.maxPoints),
    texts.hasStatus(status) ? texts.status(status) : status,
    row.decisions
      .map(
        (d) =>
          `${pick(locale, d.stageNameZh, d.stageNameEn)} ${d.reviewerName}：${texts.decided(d.action)}${d.action === "adjust" ? ` ${show(d.adjustedValue)}` : ""}${d.comment ? `（${d.comment}）` : ""}`,
      )
      .join("；"),
  ];
}
