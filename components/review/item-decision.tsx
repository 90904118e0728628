"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { useId, useState } from "react";
import { Controller, useForm } from "react-hook-form";
import { decideCalibrationItemAction, withdrawCalibrationItemAction } from "@/app/actions/calibration";
import { decideItemAction, withdrawItemDecisionAction } from "@/app/actions/review";
import type { LocalizedItem } from "@/lib/framework/item";
import type { ItemOption } from "@/lib/framework/schema";
import { type ItemDecisionInput, itemDecisionSchema, URL_JUDGEMENTS } from "@/lib/review/decision-schema";
import { useErrorText } from "../use-error-text";

export type DecisionItem = Pick<LocalizedItem, "id" | "code" | "name" | "answerType" | "options" | "unit"> & {
  adjustable: boolean;
};

const field = "block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";

/**
 * Accept, adjust (a new value and a mandatory reason) or query (a comment the city must answer) one item: of the
 * version under review, or, given `calibrationId`, of a blind calibration review (which the city never sees).
 */
export function ItemDecision({
  submissionId,
  version,
  calibrationId,
  item,
  withdrawable,
}: {
  submissionId: number;
  version: number;
  calibrationId?: number;
  item: DecisionItem;
  withdrawable: boolean;
}) {
  const t = useTranslations("review");
  const tq = useTranslations("questionnaire");
  const locale = useLocale();
  const errorText = useErrorText();
  const router = useRouter();
  const uid = useId();
  const [mode, setMode] = useState<"adjust" | "query" | null>(null);
  const [formError, setFormError] = useState<string>();
  const form = useForm<ItemDecisionInput>({
    resolver: zodResolver(itemDecisionSchema),
    defaultValues: { action: "accept", comment: "" },
  });

  async function send(decision: ItemDecisionInput) {
    setFormError(undefined);
    const result = calibrationId
      ? await decideCalibrationItemAction({ calibrationId, itemId: item.id, decision })
      : await decideItemAction({ submissionId, version, itemId: item.id, decision });
    if (!result.ok) {
      const valueError = (result.details?.fieldErrors as Record<string, string[]> | undefined)?.value?.[0];
      if (valueError) form.setError("value" as never, { message: valueError });
      setFormError(result.formError);
      return;
    }
    setMode(null);
    form.reset({ action: "accept", comment: "" });
    router.refresh();
  }

  async function withdraw() {
    setFormError(undefined);
    const result = calibrationId
      ? await withdrawCalibrationItemAction({ calibrationId, itemId: item.id })
      : await withdrawItemDecisionAction({ submissionId, version, itemId: item.id });
    if (result.ok) router.refresh();
    else setFormError(result.formError);
  }

  const submit = form.handleSubmit(send);
  const label = (o: ItemOption) => (locale === "en" ? o.label.en : o.label.zh);
  const errors = form.formState.errors as Record<string, { message?: string } | undefined>;

  return (
    <div className="mt-3 border-t border-slate-100 pt-3">
      <div className="flex flex-wrap gap-2" role="group" aria-label={t("decideItem", { item: item.name })}>
        <button
          type="button"
          className="rounded bg-emerald-700 px-3 py-1 text-sm text-white hover:bg-emerald-800"
          onClick={() => void send({ action: "accept" })}
        >
          {t("accept")}
        </button>
        {item.adjustable && (
          <button
            type="button"
            aria-expanded={mode === "adjust"}
            className="rounded border border-amber-300 bg-white px-3 py-1 text-sm hover:bg-amber-50"
            onClick={() => {
              setMode("adjust");
              form.reset({ action: "adjust", comment: "", value: item.answerType === "multi" ? [] : "" });
            }}
          >
            {t("adjust")}
          </button>
        )}
        <button
          type="button"
          aria-expanded={mode === "query"}
          className="rounded border border-red-300 bg-white px-3 py-1 text-sm hover:bg-red-50"
          onClick={() => {
            setMode("query");
            form.reset({ action: "query", comment: "" });
          }}
        >
          {t("query")}
        </button>
        {withdrawable && (
          <button
            type="button"
            className="rounded border border-slate-300 bg-white px-3 py-1 text-sm hover:bg-slate-100"
            onClick={() => void withdraw()}
          >
            {t("withdraw")}
          </button>
        )}
      </div>
      {mode && (
        <form onSubmit={submit} noValidate className="mt-3 space-y-2 rounded-md bg-slate-50 p-3">
          {mode === "adjust" && (
            <div>
              <label htmlFor={`${uid}-value`} className="mb-1 block text-sm font-medium">
                {t("adjustedValue")}
              </label>
              {item.answerType === "number" && (
                <div className="flex items-center gap-2">
                  <input
                    id={`${uid}-value`}
                    type="text"
                    inputMode="decimal"
                    className={field}
                    {...form.register("value" as never)}
                  />
                  {item.unit && <span className="shrink-0 whitespace-nowrap text-sm text-slate-600">{item.unit}</span>}
                </div>
              )}
              {item.answerType === "boolean" && (
                <select id={`${uid}-value`} className={field} {...form.register("value" as never)}>
                  <option value="">—</option>
                  <option value="true">{tq("yes")}</option>
                  <option value="false">{tq("no")}</option>
                </select>
              )}
              {item.answerType === "single" && (
                <select id={`${uid}-value`} className={field} {...form.register("value" as never)}>
                  <option value="">—</option>
                  {item.options?.map((o) => (
                    <option key={o.value} value={o.value}>
                      {label(o)}
                    </option>
                  ))}
                </select>
              )}
              {item.answerType === "url" && (
                <select id={`${uid}-value`} className={field} {...form.register("value" as never)}>
                  <option value="">—</option>
                  {URL_JUDGEMENTS.map((j) => (
                    <option key={j} value={j}>
                      {t(`judgement.${j}`)}
                    </option>
                  ))}
                </select>
              )}
              {item.answerType === "multi" && (
                <Controller
                  control={form.control}
                  name={"value" as never}
                  render={({ field: f }) => {
                    const selected = Array.isArray(f.value) ? (f.value as string[]) : [];
                    return (
                      <div
                        id={`${uid}-value`}
                        role="group"
                        aria-label={t("adjustedValue")}
                        className="flex flex-col gap-1"
                      >
                        {item.options?.map((o) => (
                          <label key={o.value} className="flex items-center gap-2 text-sm">
                            <input
                              type="checkbox"
                              checked={selected.includes(o.value)}
                              onChange={(e) =>
                                f.onChange(
                                  e.target.checked ? [...selected, o.value] : selected.filter((v) => v !== o.value),
                                )
                              }
                            />
                            {label(o)}
                          </label>
                        ))}
                      </div>
                    );
                  }}
                />
              )}
              {errors.value?.message && <p className="mt-1 text-sm text-red-600">{errorText(errors.value.message)}</p>}
            </div>
          )}
          <div>
            <label htmlFor={`${uid}-comment`} className="mb-1 block text-sm font-medium">
              {mode === "adjust" ? t("adjustReason") : t(calibrationId ? "queryCommentCalibration" : "queryComment")}
            </label>
            <textarea
              id={`${uid}-comment`}
              rows={2}
              className={field}
              aria-invalid={errors.comment ? true : undefined}
              {...form.register("comment")}
            />
            {errors.comment?.message && (
              <p className="mt-1 text-sm text-red-600">{errorText(errors.comment.message)}</p>
            )}
          </div>
          <div className="flex gap-2">
            <button
              type="submit"
              disabled={form.formState.isSubmitting}
              className="rounded bg-brand-600 px-3 py-1 text-sm text-white hover:bg-brand-700"
            >
              {mode === "adjust" ? t("saveAdjustment") : t("saveQuery")}
            </button>
            <button
              type="button"
              className="rounded px-3 py-1 text-sm hover:bg-slate-200"
              onClick={() => setMode(null)}
            >
              {t("cancel")}
            </button>
          </div>
        </form>
      )}
      {formError && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {errorText(formError)}
        </p>
      )}
    </div>
  );
}
