"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import { useForm, useWatch } from "react-hook-form";
import { createUserAction, resetPasswordAction, setUserActiveAction, unlockUserAction } from "@/app/actions/users";
import type { ActionResult } from "@/lib/action";
import { type CreateUserInput, createUserSchema } from "@/lib/auth/schemas";
import { Button } from "../ui/button";
import { TextField } from "../ui/text-field";
import { useErrorText } from "../use-error-text";

export function CreateUserForm({ cities }: { cities: { id: number; name: string }[] }) {
  const t = useTranslations("users");
  const tr = useTranslations("roles");
  const errorText = useErrorText();
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const { register, handleSubmit, setError, reset, control, formState } = useForm<CreateUserInput>({
    resolver: zodResolver(createUserSchema),
    defaultValues: { role: "city_staff" },
  });
  const role = useWatch({ control, name: "role" });
  const onSubmit = handleSubmit(async (values) => {
    const result = await createUserAction(values);
    if (result.ok) {
      setMessage({ ok: true, text: t("created", { email: values.email }) });
      reset({ role: values.role, email: "", name: "", password: "" });
      return;
    }
    for (const [field, messages] of Object.entries(result.fieldErrors ?? {}))
      if (messages[0]) setError(field as keyof CreateUserInput, { message: messages[0] });
    setMessage({ ok: false, text: errorText(result.formError) ?? "" });
  });
  return (
    <form
      onSubmit={onSubmit}
      noValidate
      className="grid gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-2"
      aria-label={t("create")}
    >
      <TextField
        label={t("email")}
        type="email"
        error={errorText(formState.errors.email?.message)}
        {...register("email")}
      />
      <TextField label={t("name")} error={errorText(formState.errors.name?.message)} {...register("name")} />
      <div>
        <label htmlFor="new-user-role" className="mb-1 block text-sm font-medium text-slate-700">
          {t("role")}
        </label>
        <select
          id="new-user-role"
          className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm"
          {...register("role")}
        >
          {(["city_staff", "reviewer", "admin"] as const).map((r) => (
            <option key={r} value={r}>
              {tr(r)}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="new-user-city" className="mb-1 block text-sm font-medium text-slate-700">
          {t("city")}
        </label>
        <select
          id="new-user-city"
          disabled={role !== "city_staff"}
          aria-describedby={formState.errors.cityId ? "new-user-city-error" : undefined}
          className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm disabled:bg-slate-50"
          {...register("cityId")}
        >
          <option value="">—</option>
          {cities.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        {formState.errors.cityId && (
          <p id="new-user-city-error" className="mt-1 text-sm text-red-600">
            {errorText(formState.errors.cityId.message)}
          </p>
        )}
      </div>
      <TextField
        label={t("temporaryPassword")}
        type="text"
        autoComplete="off"
        error={errorText(formState.errors.password?.message)}
        {...register("password")}
      />
      <div className="flex items-end">
        <Button type="submit" disabled={formState.isSubmitting}>
          {t("create")}
        </Button>
      </div>
      {message && (
        <p
          role={message.ok ? "status" : "alert"}
          className={`text-sm sm:col-span-2 ${message.ok ? "text-emerald-700" : "text-red-700"}`}
        >
          {message.text}
        </p>
      )}
    </form>
  );
}

/** Reset password, unlock, deactivate or activate one account. */
export function UserActions({
  userId,
  email,
  active,
  locked,
}: {
  userId: number;
  email: string;
  active: boolean;
  locked: boolean;
}) {
  const t = useTranslations("users");
  const errorText = useErrorText();
  const [error, setError] = useState<string>();
  const [temporary, setTemporary] = useState("");
  const [resetting, setResetting] = useState(false);
  const [pending, start] = useTransition();
  const run = (action: () => Promise<ActionResult<unknown>>) =>
    start(async () => {
      setError(undefined);
      const result = await action();
      if (!result.ok) setError(result.fieldErrors?.password?.[0] ?? result.formError);
      else setResetting(false);
    });
  const button = "rounded border border-slate-300 bg-white px-2 py-0.5 text-xs hover:bg-slate-50";
  return (
    <div className="space-y-1">
      <div className="flex flex-wrap gap-1">
        <button type="button" className={button} onClick={() => setResetting((r) => !r)}>
          {t("resetPassword")}
        </button>
        {locked && (
          <button
            type="button"
            disabled={pending}
            className={button}
            onClick={() => run(() => unlockUserAction({ userId }))}
          >
            {t("unlock")}
          </button>
        )}
        <button
          type="button"
          disabled={pending}
          className={button}
          aria-label={t(active ? "deactivateNamed" : "activateNamed", { email })}
          onClick={() => run(() => setUserActiveAction({ userId, active: !active }))}
        >
          {t(active ? "deactivate" : "activate")}
        </button>
      </div>
      {resetting && (
        <form
          className="flex gap-1"
          onSubmit={(e) => {
            e.preventDefault();
            run(() => resetPasswordAction({ userId, password: temporary }));
          }}
        >
          <input
            aria-label={t("temporaryPasswordFor", { email })}
            value={temporary}
            onChange={(e) => setTemporary(e.target.value)}
            className="min-w-0 flex-1 rounded border border-slate-300 px-1 text-xs"
          />
          <button type="submit" disabled={pending} className={button}>
            {t("save")}
          </button>
        </form>
      )}
      {error && (
        <p role="alert" className="text-xs text-red-700">
          {errorText(error)}
        </p>
      )}
    </div>
  );
}
