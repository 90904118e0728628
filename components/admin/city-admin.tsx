"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import { useForm } from "react-hook-form";
import { createCityAction, setParticipationAction, updateCityAction } from "@/app/actions/cities";
import { type CityInput, citySchema } from "@/lib/cities/schema";
import { CITY_TIERS, REGIONS } from "@/lib/domain";
import { Button } from "../ui/button";
import { TextField } from "../ui/text-field";
import { useErrorText } from "../use-error-text";

/**
 * One city of the list: its edit form is mounted only while the entry is open, so that the page hydrates one
 * disclosure per city instead of one form per city (108 forms made every keystroke and refresh slow).
 */
export function CityEntry({ city, summary }: { city: CityInput & { id: number }; summary: React.ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <details onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary className="cursor-pointer">{summary}</summary>
      {open && (
        <div className="mt-2">
          <CityForm city={city} />
        </div>
      )}
    </details>
  );
}

/** Add a city, or edit one (its code stays). */
export function CityForm({ city }: { city?: CityInput & { id: number } }) {
  const t = useTranslations("cities");
  const tr = useTranslations("regions");
  const tt = useTranslations("tiers");
  const errorText = useErrorText();
  const router = useRouter();
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const { register, handleSubmit, setError, reset, formState } = useForm<CityInput>({
    resolver: zodResolver(citySchema),
    defaultValues: city ?? { region: "east", tier: "prefecture", confirmed: true },
  });
  const onSubmit = handleSubmit(async (values) => {
    const result = city ? await updateCityAction({ ...values, id: city.id }) : await createCityAction(values);
    if (result.ok) {
      setMessage({ ok: true, text: t("saved") });
      if (!city) reset({ region: values.region, tier: values.tier, confirmed: true });
      router.refresh();
      return;
    }
    const fieldErrors =
      result.fieldErrors ?? (result.details?.fieldErrors as Record<string, string[]> | undefined) ?? {};
    for (const [field, messages] of Object.entries(fieldErrors))
      if (messages[0]) setError(field as keyof CityInput, { message: messages[0] });
    setMessage({ ok: false, text: errorText(result.formError) ?? "" });
  });
  const select = "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm";
  const prefix = city ? `city-${city.id}` : "new-city";
  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-label={city ? t("editNamed", { name: city.nameZh }) : t("add")}
      className="grid gap-2 sm:grid-cols-4"
    >
      <TextField
        label={t("code")}
        disabled={!!city}
        error={errorText(formState.errors.code?.message)}
        {...register("code")}
      />
      <TextField label={t("nameZh")} error={errorText(formState.errors.nameZh?.message)} {...register("nameZh")} />
      <TextField label={t("nameEn")} error={errorText(formState.errors.nameEn?.message)} {...register("nameEn")} />
      <TextField
        label={t("provinceZh")}
        error={errorText(formState.errors.provinceZh?.message)}
        {...register("provinceZh")}
      />
      <TextField
        label={t("provinceEn")}
        error={errorText(formState.errors.provinceEn?.message)}
        {...register("provinceEn")}
      />
      <div>
        <label htmlFor={`${prefix}-region`} className="mb-1 block text-sm font-medium text-slate-700">
          {t("region")}
        </label>
        <select id={`${prefix}-region`} className={select} {...register("region")}>
          {REGIONS.map((r) => (
            <option key={r} value={r}>
              {tr(r)}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={`${prefix}-tier`} className="mb-1 block text-sm font-medium text-slate-700">
          {t("tier")}
        </label>
        <select id={`${prefix}-tier`} className={select} {...register("tier")}>
          {CITY_TIERS.map((r) => (
            <option key={r} value={r}>
              {tt(r)}
            </option>
          ))}
        </select>
      </div>
      <div className="flex items-end">
        <Button type="submit" disabled={formState.isSubmitting}>
          {city ? t("save") : t("add")}
        </Button>
      </div>
      {message && (
        <p
          role={message.ok ? "status" : "alert"}
          className={`text-sm sm:col-span-4 ${message.ok ? "text-emerald-700" : "text-red-700"}`}
        >
          {message.text}
        </p>
      )}
    </form>
  );
}

/** The participating cities of a draft round. */
export function ParticipationForm({
  roundId,
  cities,
  selected,
}: {
  roundId: number;
  cities: { id: number; name: string }[];
  selected: number[];
}) {
  const t = useTranslations("cities");
  const errorText = useErrorText();
  const router = useRouter();
  const [ids, setIds] = useState(selected);
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const [pending, start] = useTransition();
  return (
    <section
      aria-labelledby="participation-heading"
      className="space-y-2 rounded-xl border border-slate-200 bg-white p-4 text-sm shadow-sm"
    >
      <h2 id="participation-heading" className="text-lg font-semibold">
        {t("participation", { count: ids.length })}
      </h2>
      <div className="grid max-h-64 grid-cols-2 gap-1 overflow-y-auto sm:grid-cols-6">
        {cities.map((c) => (
          <label key={c.id} className="flex items-center gap-1">
            <input
              type="checkbox"
              checked={ids.includes(c.id)}
              onChange={(e) => setIds((s) => (e.target.checked ? [...s, c.id] : s.filter((x) => x !== c.id)))}
            />
            {c.name}
          </label>
        ))}
      </div>
      <Button
        type="button"
        disabled={pending}
        onClick={() =>
          start(async () => {
            const result = await setParticipationAction({ roundId, cityIds: ids });
            setMessage(
              result.ok ? { ok: true, text: t("saved") } : { ok: false, text: errorText(result.formError) ?? "" },
            );
            if (result.ok) router.refresh();
          })
        }
      >
        {t("saveParticipation")}
      </Button>
      {message && (
        <p role={message.ok ? "status" : "alert"} className={message.ok ? "text-emerald-700" : "text-red-700"}>
          {message.text}
        </p>
      )}
    </section>
  );
}
