"use client";

import { useLocale, useTranslations } from "next-intl";
import { Controller, type UseFormReturn } from "react-hook-form";
import type { AnswerInput as AnswerFormInput } from "@/lib/questionnaire/answer-schema";
import type { ClientItem } from "./types";

export const answerInputClass =
  "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-600 focus:ring-2 focus:ring-brand-100 focus:outline-none disabled:bg-slate-50 disabled:text-slate-600 aria-invalid:border-red-500";
const inputClass = answerInputClass;

/** The input of an item's answer, as generated from its answer type: shared by the questionnaire and the framework editor's preview. */
export function AnswerInput({
  item,
  form,
  onChanged,
  inputId,
  invalid,
  describedBy,
}: {
  item: ClientItem;
  form: UseFormReturn<AnswerFormInput, unknown, unknown>;
  onChanged: () => unknown;
  inputId: string;
  invalid: boolean;
  describedBy?: string;
}) {
  const t = useTranslations("questionnaire");
  const locale = useLocale();
  const { register, control } = form;
  return (
    <>
      {item.answerType === "number" && (
        <div className="flex max-w-xs items-center gap-2">
          <input
            id={inputId}
            type="text"
            inputMode="decimal"
            autoComplete="off"
            aria-label={item.name}
            aria-invalid={invalid || undefined}
            aria-describedby={describedBy}
            className={inputClass}
            {...register("value", { onChange: onChanged })}
          />
          {item.unit && <span className="shrink-0 text-sm text-slate-600">{item.unit}</span>}
        </div>
      )}
      {item.answerType === "boolean" && (
        <div role="radiogroup" aria-label={item.name} className="flex gap-6">
          {(["true", "false"] as const).map((v) => (
            <label key={v} className="flex items-center gap-2 text-sm">
              <input type="radio" value={v} {...register("value", { onChange: onChanged })} />
              {t(v === "true" ? "yes" : "no")}
            </label>
          ))}
        </div>
      )}
      {item.answerType === "single" && (
        <div role="radiogroup" aria-label={item.name} className="flex flex-col gap-1.5">
          {item.options?.map((o) => (
            <label key={o.value} className="flex items-center gap-2 text-sm">
              <input type="radio" value={o.value} {...register("value", { onChange: onChanged })} />
              {locale === "en" ? o.label.en : o.label.zh}
            </label>
          ))}
        </div>
      )}
      {item.answerType === "multi" && (
        <Controller
          control={control}
          name="value"
          render={({ field }) => {
            const selected = Array.isArray(field.value) ? (field.value as string[]) : [];
            return (
              <div role="group" aria-label={item.name} className="flex flex-col gap-1.5">
                {item.options?.map((o) => (
                  <label key={o.value} className="flex items-center gap-2 text-sm">
                    <input
                      type="checkbox"
                      checked={selected.includes(o.value)}
                      onChange={(e) => {
                        field.onChange(
                          e.target.checked ? [...selected, o.value] : selected.filter((v) => v !== o.value),
                        );
                        void onChanged();
                      }}
                    />
                    {locale === "en" ? o.label.en : o.label.zh}
                  </label>
                ))}
              </div>
            );
          }}
        />
      )}
      {item.answerType === "text" && (
        <textarea
          id={inputId}
          rows={3}
          aria-label={item.name}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          className={inputClass}
          {...register("value", { onChange: onChanged })}
        />
      )}
      {item.answerType === "url" && (
        <input
          id={inputId}
          type="url"
          inputMode="url"
          placeholder="https://"
          aria-label={item.name}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          className={inputClass}
          {...register("value", { onChange: onChanged })}
        />
      )}
    </>
  );
}
