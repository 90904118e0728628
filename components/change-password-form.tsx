"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { changePasswordAction } from "@/app/actions/users";
import { type ChangePasswordInput, changePasswordSchema } from "@/lib/auth/schemas";
import { Button } from "./ui/button";
import { TextField } from "./ui/text-field";
import { useErrorText } from "./use-error-text";

export function ChangePasswordForm() {
  const t = useTranslations("password");
  const errorText = useErrorText();
  const [formError, setFormError] = useState<string>();
  const { register, handleSubmit, setError, formState } = useForm<ChangePasswordInput>({
    resolver: zodResolver(changePasswordSchema),
  });
  const onSubmit = handleSubmit(async (values) => {
    setFormError(undefined);
    const result = await changePasswordAction(values);
    if (result.ok) return;
    for (const [field, messages] of Object.entries(result.fieldErrors ?? {}))
      if (messages[0]) setError(field as keyof ChangePasswordInput, { message: messages[0] });
    setFormError(result.formError);
  });
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      {formError && (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700">
          {errorText(formError)}
        </p>
      )}
      <TextField
        label={t("current")}
        type="password"
        autoComplete="current-password"
        error={errorText(formState.errors.current?.message)}
        {...register("current")}
      />
      <TextField
        label={t("next")}
        type="password"
        autoComplete="new-password"
        error={errorText(formState.errors.next?.message)}
        {...register("next")}
      />
      <TextField
        label={t("confirm")}
        type="password"
        autoComplete="new-password"
        error={errorText(formState.errors.confirm?.message)}
        {...register("confirm")}
      />
      <Button type="submit" className="w-full" disabled={formState.isSubmitting}>
        {t("submit")}
      </Button>
    </form>
  );
}
