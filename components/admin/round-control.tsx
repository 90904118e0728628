"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import { finaliseRoundAction, markNotSubmittedAction, reopenRoundAction } from "@/app/actions/finalise";
import { ReasonForm } from "../reason-form";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { useErrorText } from "../use-error-text";

export type BlockerView = { cityId: number; moduleId: number; label: string };

/** What finalising affects, for the confirmation: counts and the deadlines that have not passed yet. */
export type FinaliseSummary = { cities: number; verified: number; notSubmitted: number; deadlinesAhead: string[] };

/**
 * Marks chosen unfinished modules not submitted (with a reason), then finalises the round. Both are
 * irreversible without an admin's reopening, so each asks for confirmation first, listing what it affects.
 */
export function FinalisePanel({
  roundId,
  blockers,
  blockerCount,
  summary,
}: {
  roundId: number;
  /** the first of them, in city order: a national round may have thousands */
  blockers: BlockerView[];
  blockerCount: number;
  summary: FinaliseSummary;
}) {
  const t = useTranslations("control");
  const errorText = useErrorText();
  const router = useRouter();
  const [selected, setSelected] = useState<string[]>([]);
  const [reason, setReason] = useState("");
  const [message, setMessage] = useState<{ tone: "ok" | "error"; text: string }>();
  const [confirming, setConfirming] = useState<"mark" | "finalise" | null>(null);
  const [pending, start] = useTransition();
  const chosen = blockers.filter((b) => selected.includes(`${b.cityId}:${b.moduleId}`));

  const askToMark = () => {
    setMessage(undefined);
    if (!reason.trim()) return setMessage({ tone: "error", text: errorText("reasonRequired") ?? "" });
    setConfirming("mark");
  };
  const mark = () =>
    start(async () => {
      const result = await markNotSubmittedAction({
        roundId,
        cells: chosen.map(({ cityId, moduleId }) => ({ cityId, moduleId })),
        reason,
      });
      setConfirming(null);
      setMessage(
        result.ok
          ? { tone: "ok", text: t("marked", { count: result.data.marked }) }
          : { tone: "error", text: errorText(result.fieldErrors?.reason?.[0] ?? result.formError) ?? "" },
      );
      if (result.ok) {
        setSelected([]);
        router.refresh();
      }
    });

  const finalise = () =>
    start(async () => {
      const result = await finaliseRoundAction({ roundId });
      setConfirming(null);
      if (result.ok) {
        setMessage({ tone: "ok", text: t("finalised", { cities: result.data.cities, digest: result.data.digest }) });
        router.refresh();
      } else {
        setMessage({
          tone: "error",
          text:
            result.formError === "finaliseBlocked"
              ? t("blocked", { count: Number(result.details?.count ?? 0) })
              : (errorText(result.formError) ?? ""),
        });
      }
    });
  // With modules still open the server refuses and says why; otherwise the admin confirms first.
  const askToFinalise = () => (blockers.length ? finalise() : (setMessage(undefined), setConfirming("finalise")));

  return (
    <section
      aria-labelledby="finalise-heading"
      className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
    >
      <h2 id="finalise-heading" className="text-lg font-semibold">
        {t("finaliseTitle")}
      </h2>
      {blockers.length > 0 ? (
        <>
          <p className="text-sm text-slate-700">{t("blockersIntro", { count: blockerCount })}</p>
          {blockerCount > blockers.length && (
            <p className="text-sm text-slate-600" data-testid="blockers-shown">
              {t("blockersShown", { shown: blockers.length, count: blockerCount })}
            </p>
          )}
          <div className="flex gap-2 text-sm">
            <button
              type="button"
              onClick={() => setSelected(blockers.map((b) => `${b.cityId}:${b.moduleId}`))}
              className="rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-50"
            >
              {t("selectAll")}
            </button>
            <button
              type="button"
              onClick={() => setSelected([])}
              className="rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-50"
            >
              {t("selectNone")}
            </button>
          </div>
          <ul
            aria-label={t("blockersList")}
            className="max-h-64 space-y-0.5 overflow-y-auto rounded border border-slate-100 p-2 text-sm"
          >
            {blockers.map((b) => {
              const key = `${b.cityId}:${b.moduleId}`;
              return (
                <li key={key}>
                  <label className="flex items-center gap-2">
                    <input
                      type="checkbox"
                      checked={selected.includes(key)}
                      onChange={(e) =>
                        setSelected((s) => (e.target.checked ? [...s, key] : s.filter((x) => x !== key)))
                      }
                    />
                    {b.label}
                  </label>
                </li>
              );
            })}
          </ul>
          <label htmlFor="not-submitted-reason" className="block text-sm font-medium">
            {t("notSubmittedReason")}
          </label>
          <textarea
            id="not-submitted-reason"
            rows={2}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            className="block w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
          />
          <button
            type="button"
            disabled={pending || chosen.length === 0}
            onClick={askToMark}
            className="rounded-md border border-red-300 bg-white px-3 py-1.5 text-sm text-red-700 hover:bg-red-50 disabled:text-slate-400"
          >
            {t("markNotSubmitted", { count: chosen.length })}
          </button>
        </>
      ) : (
        <p className="text-sm text-emerald-700">{t("nothingBlocks")}</p>
      )}
      <div>
        <button
          type="button"
          disabled={pending}
          onClick={askToFinalise}
          className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:bg-slate-400"
        >
          {t("finalise")}
        </button>
      </div>
      {message && (
        <p
          role={message.tone === "error" ? "alert" : "status"}
          className={`text-sm ${message.tone === "error" ? "text-red-700" : "text-emerald-700"}`}
        >
          {message.text}
        </p>
      )}
      <ConfirmDialog
        open={confirming === "mark"}
        title={t("confirmMarkTitle", { count: chosen.length })}
        confirmLabel={t("confirmMark", { count: chosen.length })}
        onConfirm={mark}
        onCancel={() => setConfirming(null)}
        pending={pending}
      >
        <p>{t("confirmMarkBody", { count: chosen.length, cities: new Set(chosen.map((b) => b.cityId)).size })}</p>
        <ul
          aria-label={t("confirmMarkList")}
          className="max-h-48 list-inside list-disc overflow-y-auto rounded border border-slate-100 p-2"
        >
          {chosen.map((b) => (
            <li key={`${b.cityId}:${b.moduleId}`}>{b.label}</li>
          ))}
        </ul>
        <p>{t("confirmReason", { reason: reason.trim() })}</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirming === "finalise"}
        title={t("confirmFinaliseTitle")}
        confirmLabel={t("confirmFinalise")}
        onConfirm={finalise}
        onCancel={() => setConfirming(null)}
        pending={pending}
      >
        {summary.deadlinesAhead.length > 0 && (
          <div role="note" className="rounded-md border border-amber-300 bg-amber-50 p-2 text-amber-900">
            <p className="font-medium">{t("deadlinesAhead")}</p>
            <ul className="list-inside list-disc">
              {summary.deadlinesAhead.map((d) => (
                <li key={d}>{d}</li>
              ))}
            </ul>
          </div>
        )}
        <p>
          {t("confirmFinaliseBody", {
            cities: summary.cities,
            verified: summary.verified,
            notSubmitted: summary.notSubmitted,
          })}
        </p>
        <p>{t("confirmFinaliseEffects")}</p>
      </ConfirmDialog>
    </section>
  );
}

/** Reopening a finalised round needs a reason, which the audit log keeps. */
export function ReopenRoundForm({ roundId }: { roundId: number }) {
  const t = useTranslations("control");
  return (
    <ReasonForm
      label={t("reopenReason")}
      submitLabel={t("reopenRound")}
      confirm={{ title: t("confirmReopenTitle"), body: t("confirmReopenBody"), label: t("confirmReopen") }}
      onSubmit={(reason) => reopenRoundAction({ roundId, reason })}
    />
  );
}
