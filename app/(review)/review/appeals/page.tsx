import type { Metadata } from "next";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { DecideAppealForm } from "@/components/appeals/decide-appeal-form";
import { listAppealsForReviewer } from "@/db/appeal-lists";
import { getDb } from "@/db/client";
import { getItem } from "@/db/framework";
import { listAdjustmentsInForce } from "@/db/item-decisions";
import { requireRole } from "@/lib/auth/session";
import { pick } from "@/lib/i18n/pick";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("appeals"))("queueTitle") };
}

/** The open appeals this reviewer decides: the city's reason, the decision in force, and the form to decide. */
export default async function AppealsQueuePage() {
  const user = await requireRole("reviewer");
  const db = getDb();
  const [t, locale, format] = [await getTranslations("appeals"), await getLocale(), await getFormatter()];
  const rows = listAppealsForReviewer(db, user);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">{t("queueTitle")}</h1>
      {rows.length === 0 && (
        <p className="rounded-lg border border-slate-200 bg-white p-6 text-slate-600">{t("queueEmpty")}</p>
      )}
      <ul className="space-y-4">
        {rows.map(({ appeal, itemCode, itemNameZh, itemNameEn, cityNameZh, cityNameEn }) => {
          const item = getItem(db, appeal.itemId)!;
          const adjustment = listAdjustmentsInForce(db, { submissionIds: [appeal.submissionId] }).find(
            (a) => a.itemId === appeal.itemId,
          );
          const label = `${pick(locale, cityNameZh, cityNameEn)} · ${itemCode} ${pick(locale, itemNameZh, itemNameEn)}`;
          return (
            <li key={appeal.id} className="space-y-2 rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
              <h2 className="font-semibold">{label}</h2>
              <p className="text-sm">
                {t("cityReason", {
                  date: format.dateTime(appeal.filedAt, { dateStyle: "medium" }),
                  reason: appeal.reason,
                })}
              </p>
              {appeal.evidenceUrl && (
                <a
                  href={appeal.evidenceUrl}
                  target="_blank"
                  rel="noopener noreferrer"
                  className="text-sm break-all text-brand-700 underline"
                >
                  {appeal.evidenceUrl}
                </a>
              )}
              <p className="text-sm text-slate-600">
                {adjustment
                  ? t("inForceAdjusted", {
                      stage: pick(locale, adjustment.stageNameZh, adjustment.stageNameEn),
                      reason: adjustment.comment ?? "",
                    })
                  : t("inForceAccepted")}
              </p>
              <DecideAppealForm
                appealId={appeal.id}
                label={label}
                item={{
                  answerType: item.answerType,
                  options: item.options,
                  unit: pick(locale, item.unitZh ?? "", item.unitEn ?? "") || null,
                }}
              />
            </li>
          );
        })}
      </ul>
    </div>
  );
}
