"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useId, useState, useTransition } from "react";
import { decideItemAction, dismissFlagAction } from "@/app/actions/review";
import { Button } from "../ui/button";
import { useErrorText } from "../use-error-text";

/**
 * A plausibility flag on an item: what stands out, in words with the numbers, and a drafted query the reviewer
 * sends as it is or edited (it becomes the item's query, as any other), or dismisses with a reason.
 */
export function PlausibilityFlag({
  submissionId,
  version,
  itemId,
  itemCode,
  kind,
  explanation,
  draft,
  canQuery,
  canDismiss,
  dismissed,
}: {
  submissionId: number;
  version: number;
  itemId: number;
  itemCode: string;
  kind: "peer" | "previous";
  explanation: string;
  draft: string;
  /** the reviewer decides this item at the submission's stage */
  canQuery: boolean;
  canDismiss: boolean;
  /** who dismissed it and why, when someone did */
  dismissed: string | null;
}) {
  const t = useTranslations("review.flags");
  const errorText = useErrorText();
  const router = useRouter();
  const ids = { query: useId(), reason: useId() };
  const [mode, setMode] = useState<"query" | "dismiss" | null>(null);
  const [query, setQuery] = useState(draft);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string>();
  const [pending, start] = useTransition();
  const run = (action: () => Promise<{ ok: boolean; formError?: string }>) =>
    start(async () => {
      setError(undefined);
      const result = await action();
      if (!result.ok) return setError(errorText(result.formError));
      setMode(null);
      router.refresh();
    });
  return (
    <div
      data-testid={`flag-${kind}-${itemCode}`}
      className={`mt-2 rounded-md border px-3 py-2 text-sm ${dismissed ? "border-slate-200 bg-slate-50 text-slate-600" : "border-orange-300 bg-orange-50 text-orange-900"}`}
    >
      <p>
        <span className="font-medium">{t("label")}</span>
        {explanation}
      </p>
      {dismissed && <p className="mt-1">{dismissed}</p>}
      {!dismissed && (
        <div className="mt-2 flex flex-wrap gap-2">
          {canQuery && (
            <Button type="button" variant="secondary" onClick={() => setMode(mode === "query" ? null : "query")}>
              {t("draftQuery")}
            </Button>
          )}
          {canDismiss && (
            <Button type="button" variant="secondary" onClick={() => setMode(mode === "dismiss" ? null : "dismiss")}>
              {t("dismiss")}
            </Button>
          )}
        </div>
      )}
      {mode === "query" && (
        <div className="mt-2 space-y-2">
          <label htmlFor={ids.query} className="block font-medium">
            {t("queryLabel")}
          </label>
          <textarea
            id={ids.query}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            rows={3}
            className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-slate-900"
          />
          <Button
            type="button"
            disabled={pending || !query.trim()}
            onClick={() =>
              run(() =>
                decideItemAction({ submissionId, version, itemId, decision: { action: "query", comment: query } }),
              )
            }
          >
            {t("sendQuery")}
          </Button>
        </div>
      )}
      {mode === "dismiss" && (
        <div className="mt-2 space-y-2">
          <label htmlFor={ids.reason} className="block font-medium">
            {t("reasonLabel")}
          </label>
          <input
            id={ids.reason}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-slate-900"
          />
          <Button
            type="button"
            disabled={pending || !reason.trim()}
            onClick={() => run(() => dismissFlagAction({ submissionId, itemCode, kind, reason }))}
          >
            {t("confirmDismiss")}
          </Button>
        </div>
      )}
      {error && (
        <p role="alert" className="mt-1 text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}
