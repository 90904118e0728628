"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";

// Not imported from lib/framework/workbook, which would bring exceljs into the browser bundle.
const XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

type Problem = { at: string; sheet?: string; row?: number; column?: string; message: string };

/** Download the round's framework as JSON or Excel; upload a replacement (either format) while the round is a draft. */
export function FrameworkFile({ roundId, editable }: { roundId: number; editable: boolean }) {
  const t = useTranslations("framework");
  const router = useRouter();
  const [result, setResult] = useState<{ ok: boolean; message: string; problems: Problem[] }>();
  async function upload(file: File) {
    // Sent raw with its own type: the server reads a workbook as bytes and JSON as text.
    const isWorkbook = /\.xlsx$/i.test(file.name) || file.type === XLSX_CONTENT_TYPE;
    const response = await fetch(`/api/rounds/${roundId}/framework`, {
      method: "PUT",
      body: isWorkbook ? file : await file.text(),
      headers: { "Content-Type": isWorkbook ? XLSX_CONTENT_TYPE : "application/json" },
    }).catch(() => null);
    if (!response) return setResult({ ok: false, message: t("failed"), problems: [] });
    const body = (await response.json().catch(() => ({}))) as { message?: string; problems?: Problem[] };
    setResult(
      response.ok
        ? { ok: true, message: t("imported"), problems: [] }
        : { ok: false, message: body.message ?? t("failed"), problems: body.problems ?? [] },
    );
    if (response.ok) router.refresh();
  }
  const where = (p: Problem) =>
    p.row === undefined
      ? null
      : p.column
        ? t("whereColumn", { sheet: p.sheet ?? "", row: p.row, column: p.column })
        : t("where", { sheet: p.sheet ?? "", row: p.row });
  const linkClass = "rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50";
  return (
    <section
      aria-labelledby="framework-heading"
      className="space-y-2 rounded-xl border border-slate-200 bg-white p-4 text-sm shadow-sm"
    >
      <h2 id="framework-heading" className="text-lg font-semibold">
        {t("title")}
      </h2>
      <div className="flex flex-wrap items-center gap-3">
        <a href={`/api/rounds/${roundId}/framework`} className={linkClass}>
          {t("export")}
        </a>
        <a href={`/api/rounds/${roundId}/framework?format=xlsx`} className={linkClass}>
          {t("exportExcel")}
        </a>
        {editable ? (
          <label className="flex items-center gap-2">
            {t("import")}
            <input
              type="file"
              accept={`application/json,.json,${XLSX_CONTENT_TYPE},.xlsx`}
              aria-describedby="framework-import-hint"
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (file) void upload(file);
                e.target.value = "";
              }}
            />
          </label>
        ) : (
          <span className="text-slate-600">{t("frozen")}</span>
        )}
      </div>
      {editable && (
        <p id="framework-import-hint" className="text-slate-600">
          {t("importHint")}
        </p>
      )}
      {result && (
        <div role={result.ok ? "status" : "alert"} className={result.ok ? "text-emerald-700" : "text-red-700"}>
          <p>{result.message}</p>
          {result.problems.length > 0 && (
            <ul className="mt-1 list-inside list-disc">
              {result.problems.map((p, i) => {
                const place = where(p);
                return (
                  <li key={i}>
                    <span className="font-mono">{p.at}</span>
                    {place && ` (${place})`}: {p.message}
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
