"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import { assignAppealAction } from "@/app/actions/appeals";
import { useErrorText } from "../use-error-text";

/** An admin hands an open appeal to a reviewer of their choice. */
export function AssignAppeal({
  appealId,
  label,
  reviewers,
  assignedTo,
}: {
  appealId: number;
  label: string;
  reviewers: { id: number; name: string }[];
  assignedTo: number | null;
}) {
  const t = useTranslations("appeals");
  const errorText = useErrorText();
  const router = useRouter();
  const [reviewerId, setReviewerId] = useState(assignedTo ?? 0);
  const [error, setError] = useState<string>();
  const [pending, start] = useTransition();
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <select
        aria-label={t("assignTo", { item: label })}
        value={reviewerId}
        onChange={(e) => setReviewerId(Number(e.target.value))}
        className="rounded border border-slate-300 bg-white px-2 py-1 text-sm"
      >
        <option value={0}>{t("stageReviewers")}</option>
        {reviewers.map((r) => (
          <option key={r.id} value={r.id}>
            {r.name}
          </option>
        ))}
      </select>
      <button
        type="button"
        disabled={pending || !reviewerId || reviewerId === assignedTo}
        onClick={() =>
          start(async () => {
            const result = await assignAppealAction({ appealId, reviewerId });
            if (result.ok) router.refresh();
            else setError(result.formError);
          })
        }
        className="rounded border border-slate-300 px-2 py-1 text-sm hover:bg-slate-50 disabled:text-slate-400"
      >
        {t("assign")}
      </button>
      {error && (
        <span role="alert" className="text-sm text-red-700">
          {errorText(error)}
        </span>
      )}
    </span>
  );
}
