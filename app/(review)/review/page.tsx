import type { Metadata } from "next";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { getDb } from "@/db/client";
import { listAssignments, listReviewQueue } from "@/db/submissions";
import { requireRole } from "@/lib/auth/session";
import { pick } from "@/lib/i18n/pick";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("review"))("title") };
}

export default async function ReviewQueuePage() {
  const user = await requireRole("reviewer");
  const db = getDb();
  const [t, tr, locale, format] = [await getTranslations("review"), await getTranslations("regions"), await getLocale(), await getFormatter()];
  const queue = listReviewQueue(db, user.id);
  const assignments = listAssignments(db, user.id);
  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-bold">{t("title")}</h1>
      {queue.length === 0 ? (
        <p className="rounded-lg border border-slate-200 bg-white p-6 text-slate-600">{t("empty")}</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full text-sm">
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                {[t("city"), t("region"), t("module"), t("version"), t("submittedAt"), t("waiting")].map((h) => (
                  <th key={h} scope="col" className="px-4 py-2 font-medium">{h}</th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {queue.map((q) => (
                <tr key={q.submissionId}>
                  <td className="px-4 py-2">{pick(locale, q.cityNameZh, q.cityNameEn)}</td>
                  <td className="px-4 py-2">{tr(q.region)}</td>
                  <td className="px-4 py-2">{q.moduleCode} {pick(locale, q.moduleNameZh, q.moduleNameEn)}</td>
                  <td className="px-4 py-2">{q.version}</td>
                  <td className="px-4 py-2">{q.submittedAt ? format.dateTime(q.submittedAt, { dateStyle: "medium", timeStyle: "short" }) : ""}</td>
                  <td className="px-4 py-2">{q.daysWaiting}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <section aria-labelledby="assignments-heading">
        <h2 id="assignments-heading" className="mb-2 text-lg font-semibold">{t("assignments")}</h2>
        {assignments.length === 0 ? (
          <p className="text-slate-600">{t("noAssignments")}</p>
        ) : (
          <ul className="list-inside list-disc text-slate-700">
            {assignments.map((a) => (
              <li key={`${a.stagePosition}-${a.moduleCode}`}>
                {t("stage", { position: a.stagePosition, name: pick(locale, a.stageNameZh, a.stageNameEn) })} — {a.moduleCode} {pick(locale, a.moduleNameZh, a.moduleNameEn)}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
