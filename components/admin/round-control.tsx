"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { finaliseRoundAction, markNotSubmittedAction, reopenRoundAction } from "@/app/actions/finalise";
import { ReasonForm } from "../reason-form";
import { useErrorText } from "../use-error-text";

export type BlockerView = { cityId: number; moduleId: number; label: string };

/** Marks selected unfinished modules not submitted (with a reason), then finalises the round. */
export function FinalisePanel({ roundId, blockers }: { roundId: number; blockers: BlockerView[] }) {
  const t = useTranslations("control");
  const errorText = useErrorText();
  const router = useRouter();
  const [selected, setSelected] = useState<string[]>(blockers.map((b) => `${b.cityId}:${b.moduleId}`));
  const [reason, setReason] = useState("");
  const [message, setMessage] = useState<{ tone: "ok" | "error"; text: string }>();
  const [pending, start] = useTransition();

  const mark = () =>
    start(async () => {
      const cells = blockers.filter((b) => selected.includes(`${b.cityId}:${b.moduleId}`)).map(({ cityId, moduleId }) => ({ cityId, moduleId }));
      const result = await markNotSubmittedAction({ roundId, cells, reason });
      setMessage(result.ok ? { tone: "ok", text: t("marked", { count: result.data.marked }) } : { tone: "error", text: errorText(result.fieldErrors?.reason?.[0] ?? result.formError) ?? "" });
      if (result.ok) router.refresh();
    });

  const finalise = () =>
    start(async () => {
      const result = await finaliseRoundAction({ roundId });
      if (result.ok) {
        setMessage({ tone: "ok", text: t("finalised", { cities: result.data.cities }) });
        router.refresh();
      } else {
        setMessage({ tone: "error", text: result.formError === "finaliseBlocked" ? t("blocked", { count: Number(result.details?.count ?? 0) }) : (errorText(result.formError) ?? "") });
      }
    });

  return (
    <section aria-labelledby="finalise-heading" className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
      <h2 id="finalise-heading" className="text-lg font-semibold">{t("finaliseTitle")}</h2>
      {blockers.length > 0 ? (
        <>
          <p className="text-sm text-slate-700">{t("blockersIntro", { count: blockers.length })}</p>
          <ul aria-label={t("blockersList")} className="max-h-64 space-y-0.5 overflow-y-auto rounded border border-slate-100 p-2 text-sm">
            {blockers.map((b) => {
              const key = `${b.cityId}:${b.moduleId}`;
              return (
                <li key={key}>
                  <label className="flex items-center gap-2">
                    <input type="checkbox" checked={selected.includes(key)} onChange={(e) => setSelected((s) => (e.target.checked ? [...s, key] : s.filter((x) => x !== key)))} />
                    {b.label}
                  </label>
                </li>
              );
            })}
          </ul>
          <label htmlFor="not-submitted-reason" className="block text-sm font-medium">{t("notSubmittedReason")}</label>
          <textarea id="not-submitted-reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} className="block w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm" />
          <button type="button" disabled={pending || selected.length === 0} onClick={mark} className="rounded-md border border-red-300 bg-white px-3 py-1.5 text-sm text-red-700 hover:bg-red-50 disabled:text-slate-400">
            {t("markNotSubmitted", { count: selected.length })}
          </button>
        </>
      ) : (
        <p className="text-sm text-emerald-700">{t("nothingBlocks")}</p>
      )}
      <div>
        <button type="button" disabled={pending} onClick={finalise} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:bg-slate-400">
          {t("finalise")}
        </button>
      </div>
      {message && <p role={message.tone === "error" ? "alert" : "status"} className={`text-sm ${message.tone === "error" ? "text-red-700" : "text-emerald-700"}`}>{message.text}</p>}
    </section>
  );
}

/** Reopening a finalised round needs a reason, which the audit log keeps. */
export function ReopenRoundForm({ roundId }: { roundId: number }) {
  const t = useTranslations("control");
  return <ReasonForm label={t("reopenReason")} submitLabel={t("reopenRound")} onSubmit={(reason) => reopenRoundAction({ roundId, reason })} />;
}
