"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import { useForm } from "react-hook-form";
import { cloneRoundAction, createRoundAction, openRoundAction, updateRoundSettingsAction } from "@/app/actions/rounds";
import {
  type CloneRoundInput,
  type CreateRoundInput,
  cloneRoundSchema,
  createRoundSchema,
  type RoundSettingsInput,
  roundSettingsSchema,
} from "@/lib/rounds/settings-schema";
import { Button } from "../ui/button";
import { TextField } from "../ui/text-field";
import { useErrorText } from "../use-error-text";

/** Create a round by cloning an earlier one (framework, stages, cities); it starts as a draft. */
export function CloneRoundForm({ rounds }: { rounds: { id: number; name: string }[] }) {
  const t = useTranslations("rounds");
  const errorText = useErrorText();
  const [formError, setFormError] = useState<string>();
  const { register, handleSubmit, setError, formState } = useForm<CloneRoundInput>({
    resolver: zodResolver(cloneRoundSchema),
    defaultValues: { sourceId: rounds[0]?.id, year: new Date().getFullYear() },
  });
  const onSubmit = handleSubmit(async (values) => {
    const result = await cloneRoundAction(values);
    if (result.ok) return;
    for (const [field, messages] of Object.entries(result.fieldErrors ?? {}))
      if (messages[0]) setError(field as keyof CloneRoundInput, { message: messages[0] });
    setFormError(result.formError);
  });
  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-label={t("clone")}
      className="grid gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-4"
    >
      <div>
        <label htmlFor="clone-source" className="mb-1 block text-sm font-medium text-slate-700">
          {t("source")}
        </label>
        <select
          id="clone-source"
          className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm"
          {...register("sourceId")}
        >
          {rounds.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
      </div>
      <TextField label={t("name")} error={errorText(formState.errors.name?.message)} {...register("name")} />
      <TextField
        label={t("year")}
        inputMode="numeric"
        error={errorText(formState.errors.year?.message)}
        {...register("year")}
      />
      <div className="flex items-end">
        <Button type="submit" disabled={formState.isSubmitting}>
          {t("clone")}
        </Button>
      </div>
      {formError && (
        <p role="alert" className="text-sm text-red-700 sm:col-span-4">
          {errorText(formError)}
        </p>
      )}
    </form>
  );
}

/** Create a draft round from scratch: a framework file of data/frameworks or the blank starter. */
export function CreateRoundForm({ frameworkYears }: { frameworkYears: number[] }) {
  const t = useTranslations("rounds");
  const errorText = useErrorText();
  const [formError, setFormError] = useState<string>();
  const { register, handleSubmit, setError, formState } = useForm<CreateRoundInput>({
    resolver: zodResolver(createRoundSchema),
    defaultValues: { base: "starter", allCities: true, year: new Date().getFullYear() },
  });
  const onSubmit = handleSubmit(async (values) => {
    const result = await createRoundAction(values);
    if (result.ok) return;
    for (const [field, messages] of Object.entries(result.fieldErrors ?? {}))
      if (messages[0]) setError(field as keyof CreateRoundInput, { message: messages[0] });
    setFormError(result.formError);
  });
  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-label={t("create")}
      className="grid gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-4"
    >
      <TextField label={t("name")} error={errorText(formState.errors.name?.message)} {...register("name")} />
      <TextField
        label={t("year")}
        inputMode="numeric"
        error={errorText(formState.errors.year?.message)}
        {...register("year")}
      />
      <div>
        <label htmlFor="create-base" className="mb-1 block text-sm font-medium text-slate-700">
          {t("base")}
        </label>
        <select
          id="create-base"
          className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm"
          {...register("base")}
        >
          <option value="starter">{t("baseStarter")}</option>
          {frameworkYears.map((year) => (
            <option key={year} value={String(year)}>
              {t("baseFile", { year })}
            </option>
          ))}
        </select>
      </div>
      <div className="flex flex-col justify-end gap-2">
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" {...register("allCities")} />
          {t("allCities")}
        </label>
        <Button type="submit" disabled={formState.isSubmitting}>
          {t("create")}
        </Button>
      </div>
      {formError && (
        <p role="alert" className="text-sm text-red-700 sm:col-span-4">
          {errorText(formError)}
        </p>
      )}
    </form>
  );
}

/** Name, year, cut-off and deadlines of a round; opening a draft freezes its framework. */
export function RoundSettingsForm({ defaults, canOpen }: { defaults: RoundSettingsInput; canOpen: boolean }) {
  const t = useTranslations("rounds");
  const errorText = useErrorText();
  const router = useRouter();
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const [pending, start] = useTransition();
  const { register, handleSubmit, setError, formState } = useForm<RoundSettingsInput>({
    resolver: zodResolver(roundSettingsSchema),
    defaultValues: defaults,
  });
  const onSubmit = handleSubmit(async (values) => {
    const result = await updateRoundSettingsAction(values);
    if (result.ok) {
      setMessage({ ok: true, text: t("saved") });
      router.refresh();
      return;
    }
    for (const [field, messages] of Object.entries(result.fieldErrors ?? {}))
      if (messages[0]) setError(field as keyof RoundSettingsInput, { message: messages[0] });
    setMessage({ ok: false, text: errorText(result.formError) ?? "" });
  });
  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-label={t("settings")}
      className="grid gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-3"
    >
      <TextField label={t("name")} error={errorText(formState.errors.name?.message)} {...register("name")} />
      <TextField label={t("nameEn")} error={errorText(formState.errors.nameEn?.message)} {...register("nameEn")} />
      <TextField
        label={t("year")}
        inputMode="numeric"
        error={errorText(formState.errors.year?.message)}
        {...register("year")}
      />
      <TextField
        label={t("cutoff")}
        type="date"
        error={errorText(formState.errors.dataCutoffDate?.message)}
        {...register("dataCutoffDate")}
      />
      <TextField
        label={t("submissionDeadline")}
        type="date"
        error={errorText(formState.errors.submissionDeadline?.message)}
        {...register("submissionDeadline")}
      />
      <TextField
        label={t("reviewDeadline")}
        type="date"
        error={errorText(formState.errors.reviewDeadline?.message)}
        {...register("reviewDeadline")}
      />
      <label className="flex items-center gap-2 self-end pb-2 text-sm">
        <input type="checkbox" {...register("preliminaryResults")} />
        {t("preliminaryResults")}
      </label>
      <TextField
        label={t("appealDeadline")}
        type="date"
        error={errorText(formState.errors.appealDeadline?.message)}
        {...register("appealDeadline")}
      />
      <p className="self-end pb-2 text-xs text-slate-500">{t("appealHelp")}</p>
      <TextField
        label={t("reminderDaysBefore")}
        inputMode="numeric"
        error={errorText(formState.errors.reminderDaysBefore?.message)}
        {...register("reminderDaysBefore")}
      />
      <p className="self-end pb-2 text-xs text-slate-500 sm:col-span-2">{t("reminderHelp")}</p>
      <fieldset className="grid gap-3 rounded-md border border-slate-200 p-3 sm:col-span-3 sm:grid-cols-4">
        <legend className="px-1 text-sm font-medium text-slate-700">{t("plausibility")}</legend>
        <TextField
          label={t("zThreshold")}
          inputMode="decimal"
          error={errorText(formState.errors.zThreshold?.message)}
          {...register("zThreshold")}
        />
        <TextField
          label={t("minPeers")}
          inputMode="numeric"
          error={errorText(formState.errors.minPeers?.message)}
          {...register("minPeers")}
        />
        <TextField
          label={t("yoyRisePct")}
          inputMode="decimal"
          error={errorText(formState.errors.yoyRisePct?.message)}
          {...register("yoyRisePct")}
        />
        <TextField
          label={t("yoyFallPct")}
          inputMode="decimal"
          error={errorText(formState.errors.yoyFallPct?.message)}
          {...register("yoyFallPct")}
        />
        <p className="text-xs text-slate-500 sm:col-span-4">{t("plausibilityHelp")}</p>
      </fieldset>
      <div className="flex items-end gap-2">
        <Button type="submit" disabled={formState.isSubmitting}>
          {t("save")}
        </Button>
        {canOpen && (
          <Button
            type="button"
            variant="secondary"
            disabled={pending}
            onClick={() =>
              start(async () => {
                const result = await openRoundAction({ roundId: defaults.roundId });
                if (result.ok) router.refresh();
                else setMessage({ ok: false, text: errorText(result.formError) ?? "" });
              })
            }
          >
            {t("open")}
          </Button>
        )}
      </div>
      {message && (
        <p
          role={message.ok ? "status" : "alert"}
          className={`text-sm sm:col-span-3 ${message.ok ? "text-emerald-700" : "text-red-700"}`}
        >
          {message.text}
        </p>
      )}
    </form>
  );
}
