"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import { createWebhookAction, retryDeliveryAction, setWebhookActiveAction } from "@/app/actions/webhooks";
import { WEBHOOK_EVENTS, type WebhookEvent } from "@/lib/webhooks/events";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { TextField } from "../ui/text-field";
import { useErrorText } from "../use-error-text";

/** Registers a receiver for some events; its signing secret is shown once. */
export function CreateWebhookForm() {
  const t = useTranslations("webhooks");
  const errorText = useErrorText();
  const router = useRouter();
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<Set<WebhookEvent>>(new Set(WEBHOOK_EVENTS));
  const [secret, setSecret] = useState<string>();
  const [error, setError] = useState<string>();
  const [pending, start] = useTransition();
  return (
    <form
      aria-label={t("create")}
      className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 text-sm shadow-sm"
      onSubmit={(e) => {
        e.preventDefault();
        setError(undefined);
        start(async () => {
          const result = await createWebhookAction({ url, events: [...events] });
          if (!result.ok) {
            const field = Object.values(result.fieldErrors ?? {})[0]?.[0];
            return setError(errorText(field ?? result.formError));
          }
          setSecret(result.data.secret);
          setUrl("");
          router.refresh();
        });
      }}
    >
      <h2 className="font-semibold">{t("create")}</h2>
      <TextField label={t("url")} value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://" />
      <fieldset>
        <legend className="mb-1 font-medium text-slate-700">{t("eventsLabel")}</legend>
        <div className="flex flex-wrap gap-4">
          {WEBHOOK_EVENTS.map((event) => (
            <label key={event} className="flex items-center gap-2">
              <input
                type="checkbox"
                checked={events.has(event)}
                onChange={(e) =>
                  setEvents((prev) => {
                    const next = new Set(prev);
                    if (e.target.checked) next.add(event);
                    else next.delete(event);
                    return next;
                  })
                }
              />
              {t(`events.${event}`)}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={pending}>
          {t("createSubmit")}
        </Button>
        {error && (
          <p role="alert" className="text-red-700">
            {error}
          </p>
        )}
      </div>
      {secret && (
        <div role="status" className="space-y-1 rounded-md border border-amber-300 bg-amber-50 p-3">
          <p className="font-medium text-amber-900">{t("secretOnce")}</p>
          <code className="block rounded bg-white p-2 text-xs break-all">{secret}</code>
          <p className="text-slate-700">{t("signatureHelp")}</p>
        </div>
      )}
    </form>
  );
}

/** Stops (after a confirmation) or resumes sending events to a receiver. */
export function WebhookToggle({ webhookId, url, active }: { webhookId: number; url: string; active: boolean }) {
  const t = useTranslations("webhooks");
  const errorText = useErrorText();
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string>();
  const [pending, start] = useTransition();
  const apply = (next: boolean) =>
    start(async () => {
      const result = await setWebhookActiveAction({ webhookId, active: next });
      setConfirming(false);
      if (!result.ok) return setError(errorText(result.formError));
      router.refresh();
    });
  return (
    <div className="flex items-center gap-2">
      <Button
        type="button"
        variant="secondary"
        disabled={pending}
        onClick={() => (active ? setConfirming(true) : apply(true))}
      >
        {active ? t("deactivate") : t("activate")}
      </Button>
      {error && (
        <span role="alert" className="text-red-700">
          {error}
        </span>
      )}
      <ConfirmDialog
        open={confirming}
        title={t("deactivate")}
        confirmLabel={t("deactivate")}
        pending={pending}
        onConfirm={() => apply(false)}
        onCancel={() => setConfirming(false)}
      >
        <p>{t("deactivateConfirm", { url })}</p>
      </ConfirmDialog>
    </div>
  );
}

/** Queues a failed delivery again. */
export function RetryDeliveryButton({ deliveryId }: { deliveryId: number }) {
  const t = useTranslations("webhooks");
  const errorText = useErrorText();
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [pending, start] = useTransition();
  return (
    <>
      <Button
        type="button"
        variant="secondary"
        disabled={pending}
        onClick={() =>
          start(async () => {
            const result = await retryDeliveryAction({ deliveryId });
            if (!result.ok) return setError(errorText(result.formError));
            router.refresh();
          })
        }
      >
        {t("retry")}
      </Button>
      {error && (
        <span role="alert" className="ml-2 text-red-700">
          {error}
        </span>
      )}
    </>
  );
}
