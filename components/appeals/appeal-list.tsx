import { getFormatter, getTranslations } from "next-intl/server";
import type { FiledAppeal } from "@/lib/review/appeals";

/** An item's appeals as the city reads them: what it asked, when, and the outcome with its reason. */
export async function AppealList({
  appeals,
  display,
}: {
  appeals: FiledAppeal[];
  display: (value: unknown) => string;
}) {
  const [t, format] = [await getTranslations("appeals"), await getFormatter()];
  return (
    <ul className="space-y-1 text-sm">
      {appeals.map(({ appeal }) => (
        <li
          key={appeal.id}
          data-testid={`appeal-${appeal.id}`}
          className="rounded border border-slate-200 bg-slate-50 px-2 py-1"
        >
          <span className="font-medium">{t(`status.${appeal.status}`)}</span>
          {" · "}
          {t("filed", { date: format.dateTime(appeal.filedAt, { dateStyle: "medium" }), reason: appeal.reason })}
          {appeal.evidenceUrl && (
            <a
              href={appeal.evidenceUrl}
              target="_blank"
              rel="noopener noreferrer"
              className="ml-1 break-all text-brand-700 underline"
            >
              {appeal.evidenceUrl}
            </a>
          )}
          {appeal.status === "upheld" && (
            <span className="block">{t("upheldBecause", { reason: appeal.decisionReason ?? "" })}</span>
          )}
          {appeal.status === "amended" && (
            <span className="block">
              {t("amendedTo", { value: display(appeal.amendedValue), reason: appeal.decisionReason ?? "" })}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}
