"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { signInAction } from "@/app/actions/session";
import { type SignInInput, signInSchema } from "@/lib/auth/schemas";
import { Button } from "./ui/button";
import { TextField } from "./ui/text-field";
import { useErrorText } from "./use-error-text";

export function SignInForm() {
  const t = useTranslations("auth");
  const errorText = useErrorText();
  const [formError, setFormError] = useState<{ key?: string; params?: Record<string, unknown> }>();
  const { register, handleSubmit, setError, formState } = useForm<SignInInput>({ resolver: zodResolver(signInSchema) });

  const onSubmit = handleSubmit(async (values) => {
    setFormError(undefined);
    // On success the action redirects to the user's start page.
    const result = await signInAction(values);
    if (result.ok) return;
    for (const [field, messages] of Object.entries(result.fieldErrors ?? {})) {
      if (messages[0]) setError(field as keyof SignInInput, { message: messages[0] });
    }
    setFormError({ key: result.formError, params: result.details });
  });

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      {formError?.key && (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700">
          {errorText(formError.key, formError.params)}
        </p>
      )}
      <TextField
        label={t("email")}
        type="email"
        autoComplete="username"
        error={errorText(formState.errors.email?.message)}
        {...register("email")}
      />
      <TextField
        label={t("password")}
        type="password"
        autoComplete="current-password"
        error={errorText(formState.errors.password?.message)}
        {...register("password")}
      />
      <Button type="submit" className="w-full" disabled={formState.isSubmitting}>
        {formState.isSubmitting ? t("submitting") : t("submit")}
      </Button>
    </form>
  );
}
