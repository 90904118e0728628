import type { Item } from "@/lib/framework/item";

type Labels = { yes: string; no: string; empty: string; notApplicable: string };

/** An answer as a person reads it, in the given language (for conflicts, diffs and exports). */
export function formatAnswer(
  item: Pick<Item, "answerType" | "options" | "unitZh" | "unitEn">,
  answer: { value: unknown; notApplicableReason: string | null },
  locale: string,
  labels: Labels,
): string {
  if (answer.notApplicableReason)
    return `${labels.notApplicable}${locale === "en" ? ": " : "："}${answer.notApplicableReason}`;
  const { value } = answer;
  if (value === null || value === undefined) return labels.empty;
  const label = (v: unknown) => {
    const option = item.options?.find((o) => o.value === v);
    return option ? (locale === "en" ? option.label.en : option.label.zh) : String(v);
  };
  switch (item.answerType) {
    case "boolean":
      return value ? labels.yes : labels.no;
    case "single":
      return label(value);
    case "multi":
      return Array.isArray(value) ? value.map(label).join(locale === "en" ? ", " : "、") : String(value);
    case "number": {
      const unit = locale === "en" ? item.unitEn : item.unitZh;
      return unit ? `${value} ${unit}` : String(value);
    }
    default:
      return String(value);
  }
}

/**
 * A value as scored, as people read it: a reviewer's adjustment of a link is a judgement of the link (shown
 * by its label), any other value is formatted like an answer, with the city's not-applicable reason if any.
 */
export function formatScoredValue(
  item: Parameters<typeof formatAnswer>[0],
  value: unknown,
  notApplicableReason: string | null,
  locale: string,
  labels: Labels,
  judgementLabel: (judgement: "ok" | "partial" | "bad") => string,
): string {
  if (item.answerType === "url" && (value === "ok" || value === "partial" || value === "bad"))
    return judgementLabel(value);
  return formatAnswer(item, { value, notApplicableReason }, locale, labels);
}
