"use client";

import { useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import { addAssignmentAction, removeAssignmentAction } from "@/app/actions/assignments";
import { useErrorText } from "../use-error-text";

type Reviewer = { id: number; name: string; email: string };

/** The reviewers of one module at one stage, with add and remove. */
export function AssignmentCell({
  roundId,
  moduleId,
  stageId,
  label,
  assigned,
  reviewers,
}: {
  roundId: number;
  moduleId: number;
  stageId: number;
  label: string;
  assigned: { id: number; reviewerId: number; reviewerName: string }[];
  reviewers: Reviewer[];
}) {
  const t = useTranslations("assignments");
  const errorText = useErrorText();
  const [choice, setChoice] = useState("");
  const [error, setError] = useState<string>();
  const [pending, start] = useTransition();
  const available = reviewers.filter((r) => !assigned.some((a) => a.reviewerId === r.id));
  const run = (action: () => Promise<{ ok: boolean; formError?: string }>) =>
    start(async () => {
      setError(undefined);
      const result = await action();
      if (!result.ok) setError(result.formError);
      else setChoice("");
    });

  return (
    <div className="space-y-1">
      <ul className="space-y-0.5">
        {assigned.map((a) => (
          <li key={a.id} className="flex items-center gap-1">
            <span>{a.reviewerName}</span>
            <button
              type="button"
              disabled={pending}
              aria-label={t("remove", { name: a.reviewerName, cell: label })}
              className="text-xs text-red-700 hover:underline"
              onClick={() => run(() => removeAssignmentAction({ roundId, assignmentId: a.id }))}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      {available.length > 0 && (
        <div className="flex gap-1">
          <select
            aria-label={t("choose", { cell: label })}
            value={choice}
            onChange={(e) => setChoice(e.target.value)}
            className="min-w-0 flex-1 rounded border border-slate-300 px-1 py-0.5 text-xs"
          >
            <option value="">{t("pick")}</option>
            {available.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
          <button
            type="button"
            disabled={!choice || pending}
            className="rounded border border-slate-300 px-2 text-xs disabled:text-slate-400"
            onClick={() => run(() => addAssignmentAction({ roundId, moduleId, stageId, reviewerId: Number(choice) }))}
          >
            {t("add")}
          </button>
        </div>
      )}
      {error && (
        <p role="alert" className="text-xs text-red-700">
          {errorText(error)}
        </p>
      )}
    </div>
  );
}
