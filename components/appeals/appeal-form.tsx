"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useId, useState, useTransition } from "react";
import { fileAppealAction } from "@/app/actions/appeals";
import { useErrorText } from "../use-error-text";

/** City staff appeal the decision on one item: a reason (required) and, optionally, a link to new evidence. */
export function AppealForm({ itemId, itemLabel }: { itemId: number; itemLabel: string }) {
  const t = useTranslations("appeals");
  const errorText = useErrorText();
  const router = useRouter();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [evidenceUrl, setEvidenceUrl] = useState("");
  const [error, setError] = useState<{ reason?: string; evidenceUrl?: string; form?: string }>({});
  const [pending, start] = useTransition();
  if (!open) {
    return (
      <button
        type="button"
        onClick={() => setOpen(true)}
        className="rounded border border-amber-400 bg-white px-2 py-0.5 text-xs text-amber-900 hover:bg-amber-50"
      >
        {t("file", { item: itemLabel })}
      </button>
    );
  }
  return (
    <form
      aria-label={t("file", { item: itemLabel })}
      className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        start(async () => {
          const result = await fileAppealAction({ itemId, reason, evidenceUrl });
          if (result.ok) {
            setOpen(false);
            router.refresh();
            return;
          }
          setError({
            reason: result.fieldErrors?.reason?.[0],
            evidenceUrl: result.fieldErrors?.evidenceUrl?.[0],
            form: result.fieldErrors ? undefined : result.formError,
          });
        });
      }}
    >
      <label htmlFor={`${id}-reason`} className="block font-medium">
        {t("reason")}
      </label>
      <textarea
        id={`${id}-reason`}
        rows={3}
        value={reason}
        placeholder={t("reasonPlaceholder")}
        onChange={(e) => setReason(e.target.value)}
        className="block w-full rounded border border-amber-300 bg-white px-2 py-1"
      />
      {error.reason && <p className="text-red-700">{errorText(error.reason)}</p>}
      <label htmlFor={`${id}-url`} className="block font-medium">
        {t("evidenceUrl")}
      </label>
      <input
        id={`${id}-url`}
        type="url"
        value={evidenceUrl}
        placeholder="https://"
        onChange={(e) => setEvidenceUrl(e.target.value)}
        className="block w-full rounded border border-amber-300 bg-white px-2 py-1"
      />
      {error.evidenceUrl && <p className="text-red-700">{errorText(error.evidenceUrl)}</p>}
      <div className="flex gap-2">
        <button
          type="submit"
          disabled={pending}
          className="rounded bg-amber-700 px-3 py-1 text-white hover:bg-amber-800 disabled:bg-slate-400"
        >
          {t("submit")}
        </button>
        <button type="button" onClick={() => setOpen(false)} className="rounded px-3 py-1 hover:bg-amber-100">
          {t("cancel")}
        </button>
      </div>
      {error.form && (
        <p role="alert" className="text-red-700">
          {errorText(error.form)}
        </p>
      )}
    </form>
  );
}
