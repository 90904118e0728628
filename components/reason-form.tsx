"use client";

import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import type { ActionResult } from "@/lib/action";
import { ConfirmDialog } from "./ui/confirm-dialog";
import { useErrorText } from "./use-error-text";

/**
 * A mandatory reason and one button: reopening a module or a round, and similar logged decisions. With
 * `confirm`, the button first opens a confirmation that repeats the reason; only its confirm button acts.
 */
export function ReasonForm({
  label,
  submitLabel,
  confirm,
  onSubmit,
}: {
  label: string;
  submitLabel: string;
  confirm?: { title: string; body: string; label: string };
  onSubmit: (reason: string) => Promise<ActionResult<unknown>>;
}) {
  const errorText = useErrorText();
  const router = useRouter();
  const id = useId();
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string>();
  const [pending, start] = useTransition();
  const [confirming, setConfirming] = useState(false);
  const send = () =>
    start(async () => {
      const result = await onSubmit(reason);
      setConfirming(false);
      if (result.ok) router.refresh();
      else setError(result.fieldErrors?.reason?.[0] ?? result.formError);
    });
  return (
    <form
      className="space-y-2 rounded-xl border border-slate-200 bg-white p-4 text-sm shadow-sm"
      onSubmit={(e) => {
        e.preventDefault();
        setError(undefined);
        if (!confirm) return send();
        if (!reason.trim()) return setError("reasonRequired");
        setConfirming(true);
      }}
    >
      <label htmlFor={id} className="block font-medium">
        {label}
      </label>
      <textarea
        id={id}
        rows={2}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        className="block w-full rounded-md border border-slate-300 px-2 py-1.5"
      />
      <button
        type="submit"
        disabled={pending}
        className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50"
      >
        {submitLabel}
      </button>
      {error && (
        <p role="alert" className="text-red-700">
          {errorText(error)}
        </p>
      )}
      {confirm && (
        <ConfirmDialog
          open={confirming}
          title={confirm.title}
          confirmLabel={confirm.label}
          onConfirm={send}
          onCancel={() => setConfirming(false)}
          pending={pending}
        >
          <p>{confirm.body}</p>
          <p className="rounded bg-slate-50 p-2">{reason.trim()}</p>
        </ConfirmDialog>
      )}
    </form>
  );
}
