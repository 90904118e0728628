"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import { approveAction, returnAction } from "@/app/actions/review";
import { useErrorText } from "../use-error-text";

/**
 * Approve the stage, or return the module for revision with the queries raised. Items the city changed since
 * the last version need a decision first; the server refuses the approval until they have one.
 */
export function DecisionBar({
  submissionId,
  version,
  queries,
  needsDecision,
}: {
  submissionId: number;
  version: number;
  queries: number;
  needsDecision: string[];
}) {
  const t = useTranslations("review");
  const errorText = useErrorText();
  const router = useRouter();
  const [comment, setComment] = useState("");
  const [error, setError] = useState<string>();
  const [pending, start] = useTransition();

  const run = (action: () => ReturnType<typeof approveAction> | ReturnType<typeof returnAction>) =>
    start(async () => {
      setError(undefined);
      const result = await action();
      if (result.ok) router.push("/review");
      else setError(result.formError);
    });

  return (
    <section aria-label={t("decision")} className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
      <p className="text-sm text-slate-600">{t("queriesRaised", { count: queries })}</p>
      {needsDecision.length > 0 && (
        <p className="mt-2 text-sm text-red-700">{t("decideChangedItemsFirst", { items: needsDecision.join("、") })}</p>
      )}
      <p className="mt-2 text-xs text-slate-500">{t("approveAccepts")}</p>
      <label htmlFor="return-comment" className="mt-3 mb-1 block text-sm font-medium">
        {t("returnComment")}
      </label>
      <textarea
        id="return-comment"
        rows={3}
        placeholder={t("returnCommentPlaceholder")}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        className="block w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
      />
      <div className="mt-3 flex flex-wrap gap-2">
        <button
          type="button"
          disabled={pending}
          onClick={() => run(() => approveAction({ submissionId, version }))}
          className="rounded-md bg-emerald-700 px-4 py-2 text-sm font-medium text-white hover:bg-emerald-800 disabled:bg-slate-400"
        >
          {t("approve")}
        </button>
        <button
          type="button"
          disabled={pending}
          onClick={() => run(() => returnAction({ submissionId, version, comment }))}
          className="rounded-md border border-red-300 bg-white px-4 py-2 text-sm font-medium text-red-700 hover:bg-red-50 disabled:text-slate-400"
        >
          {t("return")}
        </button>
      </div>
      {error && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {errorText(error)}
        </p>
      )}
    </section>
  );
}
