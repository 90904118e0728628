"use client";

import { useSearchParams } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import { confirmPrefilledAction, prefillAction } from "@/app/actions/questionnaire";
import { reloadWith } from "../reload-with";
import { useErrorText } from "../use-error-text";

type Entry = { itemId: number; code: string; name: string; value: string };

/**
 * Starting from last round: copy the city's verified values of the round this one was cloned from into empty
 * items (all, or one by one), and confirm copied values that stay as they are. After a copy the page loads again,
 * so that every field shows what was copied.
 */
export function PrefillPanel({
  roundId,
  moduleCode,
  source,
  available,
  toConfirm,
}: {
  roundId: number;
  moduleCode: string;
  /** the round this one was cloned from, by name */
  source: string;
  /** empty items with a value last round */
  available: Entry[];
  /** copied values not yet edited or confirmed */
  toConfirm: Entry[];
}) {
  const t = useTranslations("questionnaire.prefill");
  const colon = useTranslations("common")("colon");
  // After a copy the page loads again (?copied=N): it says how many were copied.
  const copiedNow = useSearchParams().get("copied");
  const errorText = useErrorText();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [confirmed, setConfirmed] = useState<Set<number>>(new Set());
  const open = toConfirm.filter((e) => !confirmed.has(e.itemId));

  function copy(itemIds?: number[]) {
    setError(null);
    startTransition(async () => {
      const result = await prefillAction({ roundId, moduleCode, itemIds });
      if (!result.ok) setError(errorText(result.formError) ?? "");
      else reloadWith("copied", result.data.copied.length, "prefill-heading");
    });
  }

  function confirm(entry: Entry) {
    setError(null);
    startTransition(async () => {
      const result = await confirmPrefilledAction({ itemId: entry.itemId });
      if (result.ok) setConfirmed((c) => new Set([...c, entry.itemId]));
      else setError(errorText(result.formError) ?? "");
    });
  }

  if (!available.length && !open.length && !copiedNow) return null;
  return (
    <section
      aria-labelledby="prefill-heading"
      className="rounded-xl border border-amber-200 bg-amber-50 p-4 text-sm text-amber-950"
    >
      <h2 id="prefill-heading" className="font-semibold">
        {t("heading")}
      </h2>
      <p className="mt-1">{t("intro", { source })}</p>
      {copiedNow && /^\d+$/.test(copiedNow) && (
        <p role="status" className="mt-2 text-emerald-800">
          {Number(copiedNow) > 0 ? t("copied", { count: Number(copiedNow) }) : t("nothing")}
        </p>
      )}
      {error && (
        <p role="alert" className="mt-2 text-red-700">
          {error}
        </p>
      )}
      {available.length > 0 && (
        <div className="mt-3">
          <div className="flex flex-wrap items-center justify-between gap-2">
            <h3 className="font-medium">{t("available")}</h3>
            <button
              type="button"
              disabled={pending}
              onClick={() => copy()}
              className="rounded-md bg-brand-700 px-3 py-1.5 text-white hover:bg-brand-900 disabled:bg-slate-300"
            >
              {t("copyAll", { count: available.length })}
            </button>
          </div>
          <ul className="mt-2 space-y-1">
            {available.map((e) => (
              <li key={e.itemId} className="flex flex-wrap items-center justify-between gap-2">
                <span>
                  {e.code} {e.name} · {t("previous", { value: e.value })}
                </span>
                <button
                  type="button"
                  disabled={pending}
                  onClick={() => copy([e.itemId])}
                  aria-label={`${t("copyOne")} ${e.code}`}
                  className="rounded border border-amber-400 bg-white px-2 py-0.5 hover:bg-amber-100"
                >
                  {t("copyOne")}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {open.length > 0 && (
        <div className="mt-3">
          <h3 className="font-medium">{t("toConfirm", { count: open.length })}</h3>
          <p className="text-xs">{t("editHint")}</p>
          <ul className="mt-2 space-y-1">
            {open.map((e) => (
              <li key={e.itemId} className="flex flex-wrap items-center justify-between gap-2">
                <a href={`#item-${e.code}`} className="underline">
                  {e.code} {e.name}
                  {colon}
                  {e.value}
                </a>
                <button
                  type="button"
                  disabled={pending}
                  onClick={() => confirm(e)}
                  aria-label={t("confirmNamed", { name: `${e.code} ${e.name}` })}
                  className="rounded border border-emerald-500 bg-white px-2 py-0.5 text-emerald-800 hover:bg-emerald-50"
                >
                  {t("confirm")}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
