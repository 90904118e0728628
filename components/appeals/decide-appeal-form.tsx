"use client";

import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { useId, useState, useTransition } from "react";
import { decideAppealAction } from "@/app/actions/appeals";
import type { LocalizedItem } from "@/lib/framework/item";
import type { ItemOption } from "@/lib/framework/schema";
import { URL_JUDGEMENTS } from "@/lib/review/decision-schema";
import { useErrorText } from "../use-error-text";

export type AppealItem = Pick<LocalizedItem, "answerType" | "options" | "unit">;

const field = "block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";

/** A reviewer upholds the decision on an appealed item or amends its value; a reason is required either way. */
export function DecideAppealForm({ appealId, item, label }: { appealId: number; item: AppealItem; label: string }) {
  const t = useTranslations("appeals");
  const tq = useTranslations("questionnaire");
  const tr = useTranslations("review");
  const locale = useLocale();
  const errorText = useErrorText();
  const router = useRouter();
  const id = useId();
  const [outcome, setOutcome] = useState<"upheld" | "amended">("upheld");
  const [reason, setReason] = useState("");
  const [value, setValue] = useState<string | string[]>(item.answerType === "multi" ? [] : "");
  const [error, setError] = useState<{ reason?: string; value?: string; form?: string }>({});
  const [pending, start] = useTransition();
  const optionLabel = (o: ItemOption) => (locale === "en" ? o.label.en : o.label.zh);

  return (
    <form
      aria-label={t("decide", { item: label })}
      className="space-y-2 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        start(async () => {
          const result = await decideAppealAction(
            outcome === "upheld" ? { appealId, outcome, reason } : { appealId, outcome, reason, value },
          );
          if (result.ok) return router.refresh();
          setError({
            reason: result.fieldErrors?.reason?.[0],
            value: result.fieldErrors?.value?.[0],
            form: result.fieldErrors ? undefined : result.formError,
          });
        });
      }}
    >
      <fieldset className="flex gap-4">
        <legend className="sr-only">{t("outcome")}</legend>
        {(["upheld", "amended"] as const).map((o) => (
          <label key={o} className="flex items-center gap-1.5">
            <input type="radio" name={`${id}-outcome`} checked={outcome === o} onChange={() => setOutcome(o)} />
            {t(`outcomes.${o}`)}
          </label>
        ))}
      </fieldset>
      {outcome === "amended" && (
        <div>
          <label htmlFor={`${id}-value`} className="mb-1 block font-medium">
            {t("amendedValue")}
          </label>
          {item.answerType === "number" && (
            <div className="flex items-center gap-2">
              <input
                id={`${id}-value`}
                inputMode="decimal"
                value={value as string}
                onChange={(e) => setValue(e.target.value)}
                className={field}
              />
              {item.unit && <span className="shrink-0 whitespace-nowrap text-slate-600">{item.unit}</span>}
            </div>
          )}
          {(item.answerType === "boolean" || item.answerType === "single" || item.answerType === "url") && (
            <select
              id={`${id}-value`}
              value={value as string}
              onChange={(e) => setValue(e.target.value)}
              className={field}
            >
              <option value="">—</option>
              {item.answerType === "boolean" && (
                <>
                  <option value="true">{tq("yes")}</option>
                  <option value="false">{tq("no")}</option>
                </>
              )}
              {item.answerType === "single" &&
                item.options?.map((o) => (
                  <option key={o.value} value={o.value}>
                    {optionLabel(o)}
                  </option>
                ))}
              {item.answerType === "url" &&
                URL_JUDGEMENTS.map((j) => (
                  <option key={j} value={j}>
                    {tr(`judgement.${j}`)}
                  </option>
                ))}
            </select>
          )}
          {item.answerType === "multi" && (
            <div id={`${id}-value`} role="group" aria-label={t("amendedValue")} className="flex flex-col gap-1">
              {item.options?.map((o) => (
                <label key={o.value} className="flex items-center gap-2">
                  <input
                    type="checkbox"
                    checked={(value as string[]).includes(o.value)}
                    onChange={(e) =>
                      setValue((v) =>
                        e.target.checked ? [...(v as string[]), o.value] : (v as string[]).filter((x) => x !== o.value),
                      )
                    }
                  />
                  {optionLabel(o)}
                </label>
              ))}
            </div>
          )}
          {error.value && <p className="text-red-700">{errorText(error.value)}</p>}
        </div>
      )}
      <label htmlFor={`${id}-reason`} className="block font-medium">
        {t("decisionReason")}
      </label>
      <textarea
        id={`${id}-reason`}
        rows={2}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        className={field}
      />
      {error.reason && <p className="text-red-700">{errorText(error.reason)}</p>}
      <button
        type="submit"
        disabled={pending}
        className="rounded bg-brand-600 px-3 py-1 text-white hover:bg-brand-700 disabled:bg-slate-400"
      >
        {t("saveDecision")}
      </button>
      {error.form && (
        <p role="alert" className="text-red-700">
          {errorText(error.form)}
        </p>
      )}
    </form>
  );
}
