"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { replyToQueryAction } from "@/app/actions/review";
import { useErrorText } from "../use-error-text";
import type { ClientQuery } from "./types";

/** A reviewer's queries pinned to the item, with the city's reply to the open one. */
export function QueryThread({
  queries,
  currentVersion,
  canReply,
}: {
  queries: ClientQuery[];
  currentVersion: number;
  canReply: boolean;
}) {
  const t = useTranslations("questionnaire");
  const errorText = useErrorText();
  const [replies, setReplies] = useState<Record<number, string>>(
    Object.fromEntries(queries.map((q) => [q.id, q.reply ?? ""])),
  );
  const [saved, setSaved] = useState<Record<number, boolean>>({});
  const [error, setError] = useState<string>();

  return (
    <div
      role="note"
      aria-label={t("queriesLabel")}
      className="mt-3 space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm"
    >
      {queries.map((q) => {
        const open = canReply && q.version === currentVersion;
        return (
          <div key={q.id}>
            <p className="font-medium text-amber-900">
              {t("queryFrom", { version: q.version, stage: q.stagePosition })}：{q.comment}
            </p>
            {open ? (
              <form
                className="mt-1 flex flex-wrap items-start gap-2"
                onSubmit={async (e) => {
                  e.preventDefault();
                  setError(undefined);
                  const result = await replyToQueryAction({ itemReviewId: q.id, reply: replies[q.id] ?? "" });
                  if (result.ok) setSaved((s) => ({ ...s, [q.id]: true }));
                  else setError(result.fieldErrors?.reply?.[0] ?? result.formError);
                }}
              >
                <textarea
                  aria-label={t("replyLabel")}
                  rows={3}
                  placeholder={t("replyPlaceholder")}
                  value={replies[q.id] ?? ""}
                  onChange={(e) => {
                    setReplies((r) => ({ ...r, [q.id]: e.target.value }));
                    setSaved((s) => ({ ...s, [q.id]: false }));
                  }}
                  className="min-w-0 flex-1 basis-64 rounded border border-amber-300 bg-white px-2 py-1"
                />
                <button type="submit" className="rounded bg-amber-700 px-3 py-1 text-white hover:bg-amber-800">
                  {t("sendReply")}
                </button>
                {saved[q.id] && (
                  <span role="status" className="self-center text-emerald-700">
                    {t("replySaved")}
                  </span>
                )}
              </form>
            ) : (
              q.reply && <p className="text-emerald-800">{t("yourReply", { reply: q.reply })}</p>
            )}
          </div>
        );
      })}
      {error && (
        <p role="alert" className="text-red-700">
          {errorText(error)}
        </p>
      )}
    </div>
  );
}
