"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useLocale, useTranslations } from "next-intl";
import { useId, useMemo } from "react";
import { useForm, useWatch } from "react-hook-form";
import { itemFromFile, localizeItem } from "@/lib/framework/item";
import type { FrameworkItem } from "@/lib/framework/schema";
import { formatPoints } from "@/lib/i18n/points";
import { type AnswerInput as AnswerFormInput, answerSchemaFor } from "@/lib/questionnaire/answer-schema";
import { scoreItem } from "@/lib/scoring/engine";
import { AnswerInput } from "../questionnaire/answer-input";
import { useErrorText } from "../use-error-text";

/**
 * How city staff will see the item, with the points a sample answer would score under its rule.
 * Remount it (key) when the item changes: the sample form is built from the item's own answer schema.
 * The sample is kept by the parent, so that it survives the remount and a changed rule rescores it at once.
 */
export function ItemPreview({
  item,
  sample,
  onSample,
}: {
  item: FrameworkItem;
  sample: unknown;
  onSample: (value: unknown) => void;
}) {
  const t = useTranslations("frameworkEditor");
  const tq = useTranslations("questionnaire");
  const tKinds = useTranslations("evidenceKinds");
  const errorText = useErrorText();
  const locale = useLocale();
  const uid = useId();
  const client = useMemo(() => localizeItem({ ...itemFromFile(item), id: 0 }, locale), [item, locale]);
  const schema = useMemo(() => answerSchemaFor(client), [client]);
  const form = useForm<AnswerFormInput, unknown, unknown>({
    resolver: zodResolver(schema),
    defaultValues: {
      value: sample ?? (client.answerType === "multi" ? [] : ""),
      notApplicable: false,
      notApplicableReason: "",
    },
    mode: "onChange",
  });
  const current = useWatch({ control: form.control });
  const parsed = schema.safeParse(current);
  const score = parsed.success ? scoreItem(client, { value: parsed.data.value }) : null;
  // A rule the live check still flags (say linear with lo = hi) can divide by zero: show no score then.
  const points = score !== null && Number.isFinite(score) ? score : null;
  const valueError = errorText(form.formState.errors.value?.message);

  return (
    <section
      aria-labelledby={`${uid}-title`}
      className="rounded-lg border border-dashed border-brand-300 bg-brand-50/40 p-4"
    >
      <h3 id={`${uid}-title`} className="mb-2 text-sm font-semibold text-brand-800">
        {t("preview")}
      </h3>
      <div className="rounded-lg border border-slate-200 bg-white p-4">
        <p className="font-medium">
          <span className="mr-2 text-slate-400">{client.code}</span>
          {client.name}
          {client.required && (
            <span className="ml-1 text-red-600" aria-hidden>
              *
            </span>
          )}
        </p>
        {client.help && <p className="mt-1 text-sm text-slate-600">{client.help}</p>}
        {client.evidenceKinds.length > 0 && (
          <p className="mt-1 text-xs text-slate-500">
            {tq(client.evidenceRequired ? "evidenceRequired" : "evidenceOptional", {
              kinds: client.evidenceKinds.map((k) => tKinds(k)).join(locale === "en" ? ", " : "、"),
            })}
          </p>
        )}
        <form noValidate onSubmit={(e) => e.preventDefault()} className="mt-3">
          <fieldset>
            <legend className="sr-only">{client.name}</legend>
            <AnswerInput
              item={client}
              form={form}
              onChanged={() => {
                onSample(form.getValues("value"));
                return form.trigger();
              }}
              inputId={`${uid}-input`}
              invalid={!!valueError}
            />
            {valueError && <p className="mt-1 text-sm text-red-600">{valueError}</p>}
          </fieldset>
        </form>
      </div>
      {client.scoringRule.kind !== "none" && (
        <p role="status" className="mt-2 text-sm tabular-nums" data-testid="preview-points">
          {t("previewPoints", {
            points: points === null ? "—" : formatPoints(points, locale),
            max: formatPoints(client.maxPoints, locale),
          })}
        </p>
      )}
    </section>
  );
}
