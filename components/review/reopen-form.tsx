"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { reopenAction } from "@/app/actions/review";
import { useErrorText } from "../use-error-text";

/** An admin reopens a verified module for another review, giving the reason. */
export function ReopenForm({ submissionId }: { submissionId: number }) {
  const t = useTranslations("review");
  const errorText = useErrorText();
  const router = useRouter();
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string>();
  const [pending, start] = useTransition();
  return (
    <form
      className="rounded-xl border border-slate-200 bg-white p-4 text-sm shadow-sm"
      onSubmit={(e) => {
        e.preventDefault();
        start(async () => {
          const result = await reopenAction({ submissionId, reason });
          if (result.ok) router.refresh();
          else setError(result.fieldErrors?.reason?.[0] ?? result.formError);
        });
      }}
    >
      <label htmlFor="reopen-reason" className="mb-1 block font-medium">{t("reopenReason")}</label>
      <textarea id="reopen-reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} className="block w-full rounded-md border border-slate-300 px-2 py-1.5" />
      <button type="submit" disabled={pending} className="mt-2 rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50">{t("reopen")}</button>
      {error && <p role="alert" className="mt-2 text-red-700">{errorText(error)}</p>}
    </form>
  );
}
