"use client";

import { useRouter } from "next/navigation";
import { useFormatter, useLocale, useTranslations } from "next-intl";
import { useId, useState, useTransition } from "react";
import { previewRemindersAction, sendRemindersAction } from "@/app/actions/reminders";
import { pick } from "@/lib/i18n/pick";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { useErrorText } from "../use-error-text";

type Preview = Extract<Awaited<ReturnType<typeof previewRemindersAction>>, { ok: true }>["data"];

/**
 * 催报: the admin previews who would be reminded (each lagging city, its modules not submitted, its leads, whether
 * it was already reminded of this deadline), chooses the cities, adds a note, and sends after a confirmation.
 */
export function ReminderPanel({ roundId, email }: { roundId: number; email: boolean }) {
  const t = useTranslations("reminders");
  const locale = useLocale();
  const format = useFormatter();
  const errorText = useErrorText();
  const router = useRouter();
  const noteId = useId();
  const [preview, setPreview] = useState<Preview>();
  const [chosen, setChosen] = useState<Set<number>>(new Set());
  const [note, setNote] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const [pending, start] = useTransition();

  const eligible = (preview?.candidates ?? []).filter((c) => !c.remindedAt && c.recipients.length > 0);
  const load = () =>
    start(async () => {
      setMessage(undefined);
      const result = await previewRemindersAction({ roundId });
      if (!result.ok) return setMessage({ ok: false, text: errorText(result.formError) ?? "" });
      setPreview(result.data);
      setChosen(
        new Set(result.data.candidates.filter((c) => !c.remindedAt && c.recipients.length).map((c) => c.cityId)),
      );
    });
  const send = () =>
    start(async () => {
      const result = await sendRemindersAction({ roundId, cityIds: [...chosen], note: note || undefined });
      setConfirming(false);
      if (!result.ok) return setMessage({ ok: false, text: errorText(result.formError) ?? "" });
      const { sent, skipped, email } = result.data;
      setMessage({
        ok: sent > 0,
        text: [
          sent ? t("sent", { count: sent }) : t("sentNone"),
          sent && email ? t("emailInBackground") : "",
          skipped ? t("skippedCount", { count: skipped }) : "",
        ].join(""),
      });
      setPreview(undefined);
      setNote("");
      router.refresh();
    });
  const toggle = (cityId: number, on: boolean) =>
    setChosen((prev) => {
      const next = new Set(prev);
      if (on) next.add(cityId);
      else next.delete(cityId);
      return next;
    });
  const chosenNames = eligible.filter((c) => chosen.has(c.cityId)).map((c) => pick(locale, c.cityNameZh, c.cityNameEn));

  return (
    <div className="space-y-3">
      <Button type="button" variant="secondary" onClick={load} disabled={pending}>
        {pending && !preview ? t("previewing") : t("preview")}
      </Button>
      {message && (
        <p role={message.ok ? "status" : "alert"} className={message.ok ? "text-emerald-700" : "text-red-700"}>
          {message.text}
        </p>
      )}
      {preview && preview.candidates.length === 0 && <p className="text-slate-600">{t("none")}</p>}
      {preview && preview.candidates.length > 0 && (
        <>
          <p className="text-slate-700">
            {t("deadline", { deadline: format.dateTime(new Date(preview.deadline), { dateStyle: "long" }) })}
          </p>
          <div className="max-h-96 overflow-auto rounded-lg border border-slate-200">
            <table className="w-full text-sm">
              <thead className="sticky top-0 bg-slate-50 text-left text-slate-600">
                <tr>
                  <th className="px-3 py-2">
                    <input
                      type="checkbox"
                      aria-label={t("selectAll")}
                      checked={eligible.length > 0 && eligible.every((c) => chosen.has(c.cityId))}
                      onChange={(e) => setChosen(new Set(e.target.checked ? eligible.map((c) => c.cityId) : []))}
                    />
                  </th>
                  <th className="px-3 py-2">{t("city")}</th>
                  <th className="px-3 py-2">{t("pending")}</th>
                  <th className="px-3 py-2">{t("recipients")}</th>
                  <th className="px-3 py-2">{t("state")}</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {preview.candidates.map((c) => {
                  const name = pick(locale, c.cityNameZh, c.cityNameEn);
                  const can = !c.remindedAt && c.recipients.length > 0;
                  return (
                    <tr key={c.cityId}>
                      <td className="px-3 py-2">
                        <input
                          type="checkbox"
                          aria-label={t("select", { city: name })}
                          disabled={!can}
                          checked={can && chosen.has(c.cityId)}
                          onChange={(e) => toggle(c.cityId, e.target.checked)}
                        />
                      </td>
                      <td className="px-3 py-2 font-medium">{name}</td>
                      <td className="px-3 py-2">
                        {c.pending.map((m) => `${m.code} ${pick(locale, m.nameZh, m.nameEn)}`).join("、")}
                      </td>
                      <td className="px-3 py-2 break-all text-slate-600">{c.recipients.join(", ") || "—"}</td>
                      <td className="px-3 py-2">
                        {c.remindedAt ? (
                          <span className="text-slate-500">
                            {t("alreadySent", {
                              at: format.dateTime(new Date(c.remindedAt), { dateStyle: "medium", timeStyle: "short" }),
                            })}
                          </span>
                        ) : c.recipients.length === 0 ? (
                          <span className="text-amber-700">{t("noRecipient")}</span>
                        ) : (
                          t("willSend")
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <div>
            <label htmlFor={noteId} className="mb-1 block font-medium text-slate-700">
              {t("note")}
            </label>
            <textarea
              id={noteId}
              value={note}
              maxLength={500}
              onChange={(e) => setNote(e.target.value)}
              rows={2}
              className="block w-full rounded-md border border-slate-300 px-3 py-2"
            />
          </div>
          <Button type="button" onClick={() => setConfirming(true)} disabled={pending || chosen.size === 0}>
            {t("send", { count: chosenNames.length })}
          </Button>
        </>
      )}
      <ConfirmDialog
        open={confirming}
        title={t("confirmTitle")}
        confirmLabel={t("confirm")}
        pending={pending}
        onConfirm={send}
        onCancel={() => setConfirming(false)}
      >
        <p>{t(email ? "confirmBodyEmail" : "confirmBodyApp", { count: chosenNames.length })}</p>
        <ul className="mt-2 max-h-48 list-inside list-disc overflow-auto text-sm">
          {chosenNames.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      </ConfirmDialog>
    </div>
  );
}
