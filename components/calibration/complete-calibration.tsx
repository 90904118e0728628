"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import { completeCalibrationAction } from "@/app/actions/calibration";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useErrorText } from "../use-error-text";

/** Completes a calibration review after a confirmation: its decisions are locked and counted from then on. */
export function CompleteCalibration({
  calibrationId,
  decided,
  total,
  missing,
}: {
  calibrationId: number;
  decided: number;
  total: number;
  /** the codes of the items not decided yet */
  missing: string[];
}) {
  const t = useTranslations("calibration");
  const errorText = useErrorText();
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string>();
  const [pending, start] = useTransition();

  const complete = () =>
    start(async () => {
      setError(undefined);
      const result = await completeCalibrationAction({ calibrationId });
      setConfirming(false);
      if (result.ok) router.refresh();
      else setError(result.formError);
    });

  return (
    <section aria-label={t("complete")} className="rounded-xl border border-slate-200 bg-white p-4 text-sm shadow-sm">
      <p className="font-medium" data-testid="calibration-progress">
        {t("decidedCount", { decided, total })}
      </p>
      {missing.length > 0 && (
        <p className="mt-1 text-slate-600" data-testid="calibration-missing">
          {t("missing", { items: missing.join("、") })}
        </p>
      )}
      <button
        type="button"
        disabled={pending}
        onClick={() => setConfirming(true)}
        className="mt-3 rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:bg-slate-400"
      >
        {pending ? t("completing") : t("complete")}
      </button>
      {error && (
        <p role="alert" className="mt-2 text-red-700">
          {errorText(error)}
        </p>
      )}
      <ConfirmDialog
        open={confirming}
        title={t("confirmCompleteTitle")}
        confirmLabel={t("confirmComplete")}
        onConfirm={complete}
        onCancel={() => setConfirming(false)}
        pending={pending}
      >
        <p>{t("confirmCompleteBody")}</p>
      </ConfirmDialog>
    </section>
  );
}
