"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useFormatter, useLocale, useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import { bulkApproveAction } from "@/app/actions/review";
import type { SubmissionStatus } from "@/lib/domain";
import type { QueueEntry } from "@/lib/review/queue";
import { StatusBadge } from "../status-badge";

/**
 * The reviewer's queue with selection of clean submissions for bulk approval. The outcome of a bulk approval
 * stays on screen, also when it emptied the queue.
 */
export function QueueTable({
  rows,
  flags,
}: {
  rows: QueueEntry[];
  /** per submission, its plausibility flags nobody dismissed */
  flags: Record<number, number>;
}) {
  const t = useTranslations("review");
  const tr = useTranslations("regions");
  const locale = useLocale();
  const format = useFormatter();
  const router = useRouter();
  const [selected, setSelected] = useState<number[]>([]);
  const [message, setMessage] = useState<string>();
  const [pending, start] = useTransition();
  const pick = (zh: string, en: string) => (locale === "en" ? en : zh);

  const approve = () =>
    start(async () => {
      const result = await bulkApproveAction({ submissionIds: selected });
      setMessage(result.ok ? t("bulkDone", result.data) : t("bulkFailed"));
      setSelected([]);
      router.refresh();
    });

  return (
    <div className="space-y-3">
      <div className="flex items-center gap-3">
        <button
          type="button"
          disabled={!selected.length || pending}
          onClick={approve}
          className="rounded-md bg-emerald-700 px-3 py-1.5 text-sm text-white disabled:bg-slate-400"
        >
          {t("bulkApprove", { count: selected.length })}
        </button>
        {message && (
          <p role="status" className="text-sm text-slate-700">
            {message}
          </p>
        )}
      </div>
      {rows.length === 0 ? (
        <p className="rounded-lg border border-slate-200 bg-white p-6 text-slate-600">{t("empty")}</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full text-sm">
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">
                  <span className="sr-only">{t("select")}</span>
                </th>
                {[
                  t("city"),
                  t("region"),
                  t("module"),
                  t("stageShort"),
                  t("version"),
                  t("statusColumn"),
                  t("submittedAt"),
                  t("waiting"),
                  t("flagsColumn"),
                ].map((h) => (
                  <th key={h} scope="col" className="px-3 py-2 font-medium">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((q) => {
                const label = `${pick(q.cityNameZh, q.cityNameEn)} ${q.moduleCode}`;
                return (
                  <tr key={q.submissionId}>
                    <td className="px-3 py-2">
                      <input
                        type="checkbox"
                        aria-label={t("selectRow", { name: label })}
                        disabled={!q.clean || !!flags[q.submissionId]}
                        title={q.clean && !flags[q.submissionId] ? undefined : t("notClean")}
                        checked={selected.includes(q.submissionId)}
                        onChange={(e) =>
                          setSelected((s) =>
                            e.target.checked ? [...s, q.submissionId] : s.filter((id) => id !== q.submissionId),
                          )
                        }
                      />
                    </td>
                    <td className="px-3 py-2">
                      <Link href={`/review/submissions/${q.submissionId}`} className="text-brand-700 underline">
                        {pick(q.cityNameZh, q.cityNameEn)}
                      </Link>
                    </td>
                    <td className="px-3 py-2">{tr(q.region)}</td>
                    <td className="px-3 py-2">
                      {q.moduleCode} {pick(q.moduleNameZh, q.moduleNameEn)}
                    </td>
                    <td className="px-3 py-2">{q.stagePosition}</td>
                    <td className="px-3 py-2">{q.version}</td>
                    <td className="px-3 py-2">
                      <StatusBadge status={q.status as SubmissionStatus} />
                    </td>
                    <td className="px-3 py-2">
                      {q.submittedAt
                        ? format.dateTime(new Date(q.submittedAt), { dateStyle: "medium", timeStyle: "short" })
                        : ""}
                    </td>
                    <td className="px-3 py-2 tabular-nums">{q.daysWaiting}</td>
                    <td className="px-3 py-2 tabular-nums" data-testid={`flags-${q.submissionId}`}>
                      {flags[q.submissionId] ? (
                        <span className="rounded-full bg-amber-100 px-2 py-0.5 text-amber-900">
                          {t("flagsCount", { count: flags[q.submissionId]! })}
                        </span>
                      ) : (
                        "—"
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
