"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useFormatter, useLocale, useTranslations } from "next-intl";
import { useEffect, useId, useMemo } from "react";
import { useForm, useWatch } from "react-hook-form";
import type { z } from "zod";
import { formatPoints } from "@/lib/i18n/points";
import { answerSchemaFor } from "@/lib/questionnaire/answer-schema";
import { formatAnswer } from "@/lib/questionnaire/format";
import { valueInForce } from "@/lib/review/value-in-force";
import { scoreItem } from "@/lib/scoring/engine";
import { useErrorText } from "../use-error-text";
import { AnswerInput, answerInputClass as inputClass } from "./answer-input";
import { EvidencePanel } from "./evidence-panel";
import { QueryThread } from "./query-thread";
import type {
  ClientAdjustment,
  ClientAnswer,
  ClientEvidence,
  ClientItem,
  ClientQuery,
  ItemState,
  RuleMessage,
} from "./types";
import { type SaveStatus, useAutosave } from "./use-autosave";

type Schema = ReturnType<typeof answerSchemaFor>;
type FormInput = z.input<Schema>;

function toFormValues(item: ClientItem, answer: ClientAnswer | undefined): FormInput {
  const value = answer?.value ?? null;
  const formValue =
    item.answerType === "multi"
      ? Array.isArray(value)
        ? value
        : []
      : item.answerType === "boolean"
        ? value === null
          ? ""
          : String(value)
        : value === null
          ? ""
          : String(value);
  return {
    value: formValue,
    notApplicable: !!answer?.notApplicableReason,
    notApplicableReason: answer?.notApplicableReason ?? "",
  };
}

const STATUS_TONE: Record<SaveStatus, string> = {
  idle: "text-slate-400",
  pending: "text-amber-700",
  saving: "text-slate-500",
  saved: "text-emerald-700",
  retrying: "text-red-700",
  invalid: "text-red-700",
  conflict: "text-red-700",
  refused: "text-red-700",
  signedOut: "text-red-700",
};

export function ItemField({
  item,
  answer,
  evidence,
  editable,
  evidenceMaxMb,
  queries,
  currentVersion,
  canReply,
  adjustment,
  ruleMessages,
  onChange,
  onSaved,
}: {
  /** validation rules the item's current values (and those of the items it is checked with) break */
  ruleMessages: RuleMessage[];
  item: ClientItem;
  /** a reviewer's adjustment in force: it is what is scored */
  adjustment: ClientAdjustment | undefined;
  queries: ClientQuery[];
  currentVersion: number;
  canReply: boolean;
  answer: ClientAnswer | undefined;
  evidence: ClientEvidence[];
  editable: boolean;
  evidenceMaxMb: number;
  onChange: (code: string, state: Partial<ItemState>) => void;
  /** called after each save the server acknowledged */
  onSaved: () => void;
}) {
  const t = useTranslations("questionnaire");
  const tKinds = useTranslations("evidenceKinds");
  const errorText = useErrorText();
  const locale = useLocale();
  const format = useFormatter();
  const schema = useMemo(() => answerSchemaFor(item), [item]);
  const form = useForm<FormInput, unknown, z.output<Schema>>({
    resolver: zodResolver(schema),
    defaultValues: toFormValues(item, answer),
    mode: "onChange",
  });
  const { register, control, formState, trigger, getValues, reset } = form;
  const autosave = useAutosave(item.id, answer?.revision ?? 0);
  // Copied from last round until the city edits it (autosave then leaves "idle" for good) or confirms it.
  const prefilled = !!answer?.prefilledFromRoundId && autosave.status === "idle";
  const notApplicable = useWatch({ control, name: "notApplicable" });
  const uid = useId();
  const ids = {
    input: `${uid}-input`,
    error: `${uid}-error`,
    help: `${uid}-help`,
    reason: `${uid}-reason`,
    status: `${uid}-status`,
  };

  // Live provisional points and progress, from whatever the form currently holds (when valid), scored by the
  // same rule as everywhere else: an adjustment in force replaces the city's value.
  const watched = useWatch({ control });
  const live = useMemo(() => {
    const parsed = schema.safeParse(watched);
    if (!parsed.success) return null;
    const { value, notApplicableReason } = parsed.data;
    const notApplicable = !!notApplicableReason;
    // An adjustment stays in force only while the item is as the reviewers saw it: editing it drops the adjustment.
    const unchanged =
      JSON.stringify([value, notApplicableReason || null]) ===
      JSON.stringify([answer?.value ?? null, answer?.notApplicableReason ?? null]);
    const scored = valueInForce(
      item,
      { value, notApplicableReason: notApplicableReason || null },
      unchanged && adjustment ? { adjustedValue: adjustment.value } : undefined,
    );
    return {
      value: notApplicable ? null : value,
      answered: value !== null || notApplicable,
      notApplicable,
      points: scoreItem(item, scored),
    };
  }, [watched, schema, item, adjustment, answer]);
  useEffect(() => {
    if (live) onChange(item.code, live);
  }, [live, item.code, onChange]);

  useEffect(() => {
    onChange(item.code, {
      unsaved: ["pending", "saving", "retrying", "conflict", "invalid", "signedOut"].includes(autosave.status),
    });
    if (autosave.status === "saved") onSaved();
  }, [autosave.status, item.code, onChange, onSaved]);

  async function changed() {
    if (!(await trigger())) return autosave.saver.markInvalid();
    const values = getValues();
    autosave.saver.schedule({
      value: values.value,
      notApplicable: !!values.notApplicable,
      notApplicableReason: values.notApplicableReason ?? "",
    });
  }

  const valueError = errorText(
    formState.errors.value?.message ??
      (formState.errors.value as unknown as { root?: { message?: string } })?.root?.message,
  );
  const reasonError = errorText(formState.errors.notApplicableReason?.message);
  const disabled = !editable || !!notApplicable;
  const describedBy =
    [item.help ? ids.help : null, valueError ? ids.error : null].filter(Boolean).join(" ") || undefined;
  const limits = [
    item.minValue !== null && item.maxValue !== null
      ? t("range", { min: item.minValue, max: item.maxValue })
      : item.minValue !== null
        ? t("atLeast", { min: item.minValue })
        : null,
    item.decimals === 0 ? t("integer") : item.decimals !== null ? t("decimals", { decimals: item.decimals }) : null,
  ].filter(Boolean);

  return (
    <section
      id={`item-${item.code}`}
      aria-labelledby={`${uid}-title`}
      className="scroll-mt-24 rounded-lg border border-slate-200 bg-white p-4"
    >
      <header className="flex flex-wrap items-start gap-x-3 gap-y-1">
        <h4 id={`${uid}-title`} className="font-medium">
          <span className="mr-2 text-slate-400">{item.code}</span>
          {item.name}
          {item.required && (
            <span className="ml-1 text-red-600" aria-hidden>
              *
            </span>
          )}
        </h4>
        {prefilled && (
          <span className="rounded-full bg-amber-100 px-2 py-0.5 text-xs text-amber-900">{t("prefilledBadge")}</span>
        )}
        <div className="ml-auto flex items-center gap-3 text-sm">
          {item.scoringRule.kind !== "none" && (
            <span className="text-slate-600 tabular-nums" data-testid={`points-${item.code}`}>
              {t("provisionalPoints", {
                points: live ? formatPoints(live.points, locale) : "—",
                max: formatPoints(item.maxPoints, locale),
              })}
            </span>
          )}
          {editable && (
            <span
              id={ids.status}
              role="status"
              aria-live="polite"
              className={`text-xs ${STATUS_TONE[autosave.status]}`}
            >
              {autosave.status === "idle" ? "" : t(`save.${autosave.status}`)}
            </span>
          )}
        </div>
      </header>
      {item.help && (
        <p id={ids.help} className="mt-1 text-sm text-slate-600">
          {item.help}
        </p>
      )}
      <p className="mt-1 text-xs text-slate-500">
        {item.evidenceKinds.length > 0 &&
          t(item.evidenceRequired ? "evidenceRequired" : "evidenceOptional", {
            kinds: item.evidenceKinds.map((k) => tKinds(k)).join(locale === "en" ? ", " : "、"),
          })}
        {limits.length > 0 && ` · ${limits.join(" · ")}`}
      </p>

      {ruleMessages.map((r) => (
        <p
          key={r.code}
          data-testid={`rule-${r.code}`}
          className={`mt-2 rounded-md border px-3 py-2 text-sm ${r.level === "block" ? "border-red-300 bg-red-50 text-red-800" : "border-amber-300 bg-amber-50 text-amber-900"}`}
        >
          {t(r.level === "block" ? "ruleBlock" : "ruleWarn", { message: r.message, code: r.code })}
        </p>
      ))}
      {adjustment && (
        <div
          role="note"
          aria-label={t("adjustmentLabel")}
          className="mt-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900"
        >
          <p className="font-medium">{t("adjustmentValue", { value: adjustment.display })}</p>
          <p>
            {t("adjustmentBy", {
              stage: adjustment.stageName,
              date: format.dateTime(new Date(adjustment.decidedAt), { dateStyle: "long" }),
            })}
            {adjustment.carriedFromVersion !== null &&
              ` ${t("adjustmentCarried", { version: adjustment.carriedFromVersion })}`}
          </p>
          {adjustment.reason && <p>{t("adjustmentReason", { reason: adjustment.reason })}</p>}
          <p className="text-xs text-amber-800">{t("adjustmentScored")}</p>
        </div>
      )}
      {queries.length > 0 && <QueryThread queries={queries} currentVersion={currentVersion} canReply={canReply} />}
      {/* One form per item: it scopes the radio groups (every item's field is named "value"). */}
      <form noValidate onSubmit={(e) => e.preventDefault()}>
        <fieldset className="mt-3" disabled={disabled} aria-describedby={describedBy}>
          <legend className="sr-only">{item.name}</legend>
          <AnswerInput
            item={item}
            form={form}
            onChanged={changed}
            inputId={ids.input}
            invalid={!!valueError}
            describedBy={describedBy}
          />
          {valueError && !notApplicable && (
            <p id={ids.error} className="mt-1 text-sm text-red-600">
              {valueError}
            </p>
          )}
        </fieldset>

        <div className="mt-3">
          <label className="flex items-center gap-2 text-sm text-slate-700">
            <input type="checkbox" disabled={!editable} {...register("notApplicable", { onChange: changed })} />
            {t("notApplicable")}
          </label>
          {notApplicable && (
            <div className="mt-2">
              <label htmlFor={ids.reason} className="mb-1 block text-sm text-slate-700">
                {t("notApplicableReason")}
              </label>
              <textarea
                id={ids.reason}
                rows={2}
                disabled={!editable}
                aria-invalid={reasonError ? true : undefined}
                aria-describedby={reasonError ? `${ids.reason}-error` : undefined}
                className={inputClass}
                {...register("notApplicableReason", { onChange: changed })}
              />
              {reasonError && (
                <p id={`${ids.reason}-error`} className="mt-1 text-sm text-red-600">
                  {reasonError}
                </p>
              )}
            </div>
          )}
        </div>
      </form>

      {autosave.status !== "conflict" && autosave.message && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {autosave.message}
        </p>
      )}
      {autosave.conflict && (
        <div role="alert" className="mt-3 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          <p>{autosave.message}</p>
          <p className="mt-1">
            {t("conflictValue", {
              value: formatAnswer({ ...item, unitZh: item.unit, unitEn: item.unit }, autosave.conflict, locale, {
                yes: t("yes"),
                no: t("no"),
                empty: t("empty"),
                notApplicable: t("notApplicable"),
              }),
            })}
          </p>
          <div className="mt-2 flex gap-2">
            <button
              type="button"
              className="rounded border border-red-300 bg-white px-3 py-1 hover:bg-red-100"
              onClick={() => {
                const theirs = autosave.conflict!;
                reset(toFormValues(item, { ...theirs }));
                autosave.saver.acceptTheirs();
              }}
            >
              {t("useTheirs")}
            </button>
            <button
              type="button"
              className="rounded bg-red-700 px-3 py-1 text-white hover:bg-red-800"
              onClick={() => autosave.saver.overwrite()}
            >
              {t("keepMine")}
            </button>
          </div>
        </div>
      )}

      <EvidencePanel
        itemId={item.id}
        itemName={item.name}
        initial={evidence}
        editable={editable}
        maxMb={evidenceMaxMb}
        onCountChange={(count) => onChange(item.code, { evidenceCount: count })}
      />
    </section>
  );
}
