"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect, useId, useRef, useState } from "react";
import { useForm } from "react-hook-form";
import { resumeSessionAction } from "@/app/actions/session";
import { type SignInInput, signInSchema } from "@/lib/auth/schemas";
import { announceSessionResumed, onSessionEnded } from "./session-events";
import { Button } from "./ui/button";
import { TextField } from "./ui/text-field";
import { useErrorText } from "./use-error-text";

/**
 * When a save finds the session ended (idle too long, signed out elsewhere, password changed), asks for the
 * password right here instead of leaving the page: what the person typed stays in the form, and once they are
 * signed in again it is sent (components/questionnaire/use-autosave.ts listens).
 */
export function SessionEndedDialog({ email, userId }: { email: string; userId: number }) {
  const t = useTranslations("auth");
  const router = useRouter();
  const errorText = useErrorText();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [formError, setFormError] = useState<{ key?: string; params?: Record<string, unknown> }>();
  const { register, handleSubmit, setError, reset, formState } = useForm<SignInInput>({
    resolver: zodResolver(signInSchema),
    defaultValues: { email, password: "" },
  });

  const [open, setOpen] = useState(false);
  useEffect(() => onSessionEnded(() => setOpen(true)), []);
  useEffect(() => {
    const dialog = ref.current;
    if (open && dialog && !dialog.open) dialog.showModal();
    if (!open && dialog?.open) dialog.close();
  }, [open]);

  const onSubmit = handleSubmit(async (values) => {
    setFormError(undefined);
    const result = await resumeSessionAction(values);
    if (!result.ok) {
      for (const [field, messages] of Object.entries(result.fieldErrors ?? {})) {
        if (messages[0]) setError(field as keyof SignInInput, { message: messages[0] });
      }
      setFormError({ key: result.formError, params: result.details });
      return;
    }
    // Signed in as somebody else (the e-mail field was changed): nothing typed for this user is sent as them.
    if (result.data.userId !== userId) return router.push("/");
    reset({ email, password: "" });
    setOpen(false);
    announceSessionResumed();
  });

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      // Esc must not hide the only way back: the unsaved work waits for this sign-in.
      onCancel={(e) => e.preventDefault()}
      className="m-auto w-full max-w-md rounded-xl border border-slate-200 p-0 shadow-xl backdrop:bg-slate-900/40"
    >
      <form onSubmit={onSubmit} noValidate className="space-y-4 p-5 text-sm">
        <h2 id={titleId} className="text-lg font-semibold">
          {t("sessionEndedTitle")}
        </h2>
        <p className="text-slate-700">{errorText("sessionEnded")}</p>
        {formError?.key && (
          <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-red-700">
            {errorText(formError.key, formError.params)}
          </p>
        )}
        <TextField label={t("email")} type="email" autoComplete="username" readOnly {...register("email")} />
        <TextField
          label={t("password")}
          type="password"
          autoComplete="current-password"
          autoFocus
          error={errorText(formState.errors.password?.message)}
          {...register("password")}
        />
        <Button type="submit" className="w-full" disabled={formState.isSubmitting}>
          {formState.isSubmitting ? t("submitting") : t("signInAndContinue")}
        </Button>
      </form>
    </dialog>
  );
}
