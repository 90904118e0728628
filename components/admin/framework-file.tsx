"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState } from "react";

/** Download the round's framework as JSON; upload a replacement while the round is a draft. */
export function FrameworkFile({ roundId, editable }: { roundId: number; editable: boolean }) {
  const t = useTranslations("framework");
  const router = useRouter();
  const [result, setResult] = useState<{ ok: boolean; message: string; problems: { at: string; message: string }[] }>();
  async function upload(file: File) {
    const response = await fetch(`/api/rounds/${roundId}/framework`, { method: "PUT", body: await file.text(), headers: { "Content-Type": "application/json" } });
    const body = (await response.json().catch(() => ({}))) as { message?: string; problems?: { at: string; message: string }[] };
    setResult(response.ok ? { ok: true, message: t("imported"), problems: [] } : { ok: false, message: body.message ?? t("failed"), problems: body.problems ?? [] });
    if (response.ok) router.refresh();
  }
  return (
    <section aria-labelledby="framework-heading" className="space-y-2 rounded-xl border border-slate-200 bg-white p-4 text-sm shadow-sm">
      <h2 id="framework-heading" className="text-lg font-semibold">{t("title")}</h2>
      <div className="flex flex-wrap items-center gap-3">
        <a href={`/api/rounds/${roundId}/framework`} className="rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50">{t("export")}</a>
        {editable ? (
          <label className="flex items-center gap-2">
            {t("import")}
            <input type="file" accept="application/json,.json" onChange={(e) => { const file = e.target.files?.[0]; if (file) void upload(file); e.target.value = ""; }} />
          </label>
        ) : (
          <span className="text-slate-600">{t("frozen")}</span>
        )}
      </div>
      {result && (
        <div role={result.ok ? "status" : "alert"} className={result.ok ? "text-emerald-700" : "text-red-700"}>
          <p>{result.message}</p>
          {result.problems.length > 0 && (
            <ul className="mt-1 list-inside list-disc">
              {result.problems.map((p, i) => <li key={i}><span className="font-mono">{p.at}</span>: {p.message}</li>)}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
