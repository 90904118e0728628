"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import { Controller, useForm } from "react-hook-form";
import { drawCalibrationAction } from "@/app/actions/calibration";
import { type DrawCalibrationInput, drawCalibrationSchema } from "@/lib/review/calibration-schema";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { useErrorText } from "../use-error-text";

/**
 * The admin draws a calibration sample: a stage, a share of its reviewed versions, and the reviewers who may do the
 * blind second reviews (each version goes only to one who does not review its module).
 */
export function DrawCalibration({
  roundId,
  stages,
  reviewers,
}: {
  roundId: number;
  stages: { id: number; label: string }[];
  reviewers: { id: number; name: string }[];
}) {
  const t = useTranslations("calibration");
  const errorText = useErrorText();
  const router = useRouter();
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  // The checked request, shown for confirmation before anything is drawn (drawing notifies reviewers at once).
  const [confirming, setConfirming] = useState<DrawCalibrationInput>();
  const [pending, start] = useTransition();
  const defaults = { roundId, stageId: stages[0]?.id, sharePct: 10, reviewerIds: [] };
  const { register, control, handleSubmit, setError, reset, formState } = useForm<DrawCalibrationInput>({
    resolver: zodResolver(drawCalibrationSchema),
    defaultValues: defaults,
  });
  const onSubmit = handleSubmit((values) => {
    setMessage(undefined);
    setConfirming(values);
  });
  const draw = (values: DrawCalibrationInput) =>
    start(async () => {
      const result = await drawCalibrationAction(values);
      setConfirming(undefined);
      if (!result.ok) {
        for (const [field, messages] of Object.entries(result.fieldErrors ?? {}))
          if (messages[0]) setError(field as keyof DrawCalibrationInput, { message: messages[0] });
        if (result.formError) setMessage({ ok: false, text: errorText(result.formError) ?? "" });
        return;
      }
      const { drawn, candidates, unpaired } = result.data;
      setMessage({
        ok: true,
        text: t("drawn", { drawn, candidates }) + (unpaired ? t("unpaired", { count: unpaired }) : ""),
      });
      // Drawn: the form starts over, so that a second click does not silently draw again.
      reset({ ...defaults, stageId: values.stageId });
      router.refresh();
    });
  const field = "block rounded-md border border-slate-300 bg-white px-3 py-2 text-sm";
  const errors = formState.errors;

  return (
    <form onSubmit={onSubmit} noValidate aria-label={t("draw")} className="space-y-3">
      <div className="flex flex-wrap items-start gap-4">
        <div>
          <label htmlFor="calibration-stage" className="mb-1 block font-medium text-slate-700">
            {t("stage")}
          </label>
          <select id="calibration-stage" className={field} {...register("stageId")}>
            {stages.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </select>
          {errors.stageId?.message && <p className="mt-1 text-red-700">{errorText(errors.stageId.message)}</p>}
        </div>
        <div>
          <label htmlFor="calibration-share" className="mb-1 block font-medium text-slate-700">
            {t("share")}
          </label>
          <input
            id="calibration-share"
            inputMode="numeric"
            className={`${field} w-24`}
            aria-invalid={errors.sharePct ? true : undefined}
            {...register("sharePct")}
          />
          {errors.sharePct?.message && <p className="mt-1 text-red-700">{errorText(errors.sharePct.message)}</p>}
        </div>
      </div>
      <fieldset>
        <legend className="mb-1 font-medium text-slate-700">{t("reviewers")}</legend>
        <p className="mb-1 text-xs text-slate-600">{t("reviewersHint")}</p>
        <Controller
          control={control}
          name="reviewerIds"
          render={({ field: f }) => {
            const chosen = (f.value ?? []).map(Number);
            return (
              <div className="flex flex-wrap gap-x-4 gap-y-1">
                {reviewers.map((r) => (
                  <label key={r.id} className="flex items-center gap-1.5">
                    <input
                      type="checkbox"
                      checked={chosen.includes(r.id)}
                      onChange={(e) =>
                        f.onChange(e.target.checked ? [...chosen, r.id] : chosen.filter((x) => x !== r.id))
                      }
                    />
                    {r.name}
                  </label>
                ))}
              </div>
            );
          }}
        />
        {errors.reviewerIds?.message && <p className="mt-1 text-red-700">{errorText(errors.reviewerIds.message)}</p>}
      </fieldset>
      <Button type="submit" disabled={pending}>
        {pending ? t("drawing") : t("draw")}
      </Button>
      <ConfirmDialog
        open={!!confirming}
        title={t("confirmDrawTitle")}
        confirmLabel={t("confirmDraw")}
        onConfirm={() => confirming && draw(confirming)}
        onCancel={() => setConfirming(undefined)}
        pending={pending}
      >
        <p>
          {confirming &&
            t("confirmDrawBody", {
              stage: stages.find((s) => s.id === Number(confirming.stageId))?.label ?? "",
              share: Number(confirming.sharePct),
              count: confirming.reviewerIds.length,
            })}
        </p>
      </ConfirmDialog>
      {message && (
        <p role={message.ok ? "status" : "alert"} className={message.ok ? "text-emerald-700" : "text-red-700"}>
          {message.text}
        </p>
      )}
    </form>
  );
}
