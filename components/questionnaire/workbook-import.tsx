"use client";

import { useSearchParams } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { reloadWith } from "../reload-with";
import { useErrorText } from "../use-error-text";

type Line = {
  code: string;
  name: string;
  row: number;
  status: "unchanged" | "changed" | "conflict" | "locked";
  from?: string;
  to?: string;
  current?: string;
  reason?: string;
};
type Problem = { row: number; column: string; item: string | null; message: string };
/** The file as it was previewed: saving sends these very bytes, whatever happened to the file on disk since. */
type RuleLine = { code: string; level: "warn" | "block"; message: string };
type Preview = { name: string; bytes: ArrayBuffer; lines: Line[]; problems: Problem[]; rules: RuleLine[] };

const STATUS_STYLE: Record<Line["status"], string> = {
  unchanged: "bg-slate-100 text-slate-700",
  changed: "bg-blue-100 text-blue-900",
  conflict: "bg-red-100 text-red-900",
  locked: "bg-amber-100 text-amber-900",
};

/**
 * Filling a module in with Excel: download the workbook, upload it filled in, see per item what would change
 * (and every problem, conflict and locked item), then save all the changes at once — or nothing.
 */
export function WorkbookImport({ roundId, moduleCode }: { roundId: number; moduleCode: string }) {
  const t = useTranslations("questionnaire.workbook");
  const errorText = useErrorText();
  // After saving, the page loads again so that every field shows the saved answers; it says how many there were.
  const imported = useSearchParams().get("imported");
  const [preview, setPreview] = useState<Preview | null>(null);
  const [message, setMessage] = useState<{ tone: "ok" | "error"; text: string } | null>(
    imported && /^\d+$/.test(imported) ? { tone: "ok", text: t("applied", { count: Number(imported) }) } : null,
  );
  const [busy, setBusy] = useState(false);
  const url = `/api/questionnaire/workbook?roundId=${roundId}&moduleCode=${encodeURIComponent(moduleCode)}`;

  async function send(name: string, bytes: ArrayBuffer, apply: boolean) {
    const response = await fetch(apply ? `${url}&apply=1` : url, {
      method: "POST",
      headers: { "Content-Type": "application/octet-stream", "X-File-Name": encodeURIComponent(name) },
      body: bytes,
    });
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    return { ok: response.ok, body };
  }

  async function upload(file: File) {
    setMessage(null);
    setPreview(null);
    setBusy(true);
    try {
      const bytes = await file.arrayBuffer();
      const { ok, body } = await send(file.name, bytes, false);
      if (ok)
        setPreview({
          name: file.name,
          bytes,
          lines: body.lines as Line[],
          problems: body.problems as Problem[],
          rules: (body.rules as RuleLine[] | undefined) ?? [],
        });
      else setMessage({ tone: "error", text: String(body.message ?? errorText("uploadFailed")) });
    } catch {
      setMessage({ tone: "error", text: errorText("uploadFailed") ?? "" });
    } finally {
      setBusy(false);
    }
  }

  async function apply(current: Preview) {
    setBusy(true);
    try {
      const { ok, body } = await send(current.name, current.bytes, true);
      if (ok) {
        reloadWith("imported", (body.changed as string[]).length, "workbook-heading");
        return;
      } else {
        setMessage({ tone: "error", text: String(body.message ?? errorText("unexpected")) });
        if (Array.isArray(body.lines)) setPreview({ ...current, lines: body.lines as Line[] });
      }
    } catch {
      setMessage({ tone: "error", text: errorText("uploadFailed") ?? "" });
    } finally {
      setBusy(false);
    }
  }

  const count = (status: Line["status"]) => preview?.lines.filter((l) => l.status === status).length ?? 0;
  const changed = count("changed");
  const blocked = !!preview && (preview.problems.length > 0 || count("conflict") > 0 || count("locked") > 0);

  return (
    <section
      aria-labelledby="workbook-heading"
      className="rounded-xl border border-slate-200 bg-white p-4 text-sm shadow-sm"
    >
      <h2 id="workbook-heading" className="font-semibold">
        {t("heading")}
      </h2>
      <p className="mt-1 text-slate-600">{t("hint")}</p>
      <div className="mt-3 flex flex-wrap items-center gap-3">
        <a href={url} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50">
          {t("download")}
        </a>
        <label className="rounded-md border border-brand-600 px-3 py-1.5 text-brand-700 hover:bg-brand-50">
          {t("upload")}
          <input
            type="file"
            accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            className="sr-only"
            aria-label={t("fileInput")}
            disabled={busy}
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = "";
              if (file) void upload(file);
            }}
          />
        </label>
      </div>
      {message && (
        <p
          role={message.tone === "error" ? "alert" : "status"}
          className={`mt-3 ${message.tone === "error" ? "text-red-700" : "text-emerald-800"}`}
        >
          {message.text}
        </p>
      )}
      {preview && (
        <div className="mt-4 space-y-3 border-t border-slate-100 pt-3">
          <h3 className="font-medium">{t("previewTitle", { file: preview.name })}</h3>
          <p>
            {t("counts", {
              changed,
              unchanged: count("unchanged"),
              conflicts: count("conflict"),
              locked: count("locked"),
              problems: preview.problems.length,
            })}
          </p>
          {preview.problems.length > 0 && (
            <ul role="alert" aria-label={t("problemsLabel")} className="space-y-1 text-red-700">
              {preview.problems.map((p) => (
                <li key={`${p.row}-${p.column}-${p.message}`}>
                  {p.row > 0
                    ? p.item
                      ? t("problemItem", { row: p.row, item: p.item, column: p.column, message: p.message })
                      : t("problem", { row: p.row, column: p.column, message: p.message })
                    : t("problemNoRow", { message: p.message })}
                </li>
              ))}
            </ul>
          )}
          {preview.rules.length > 0 && (
            <ul aria-label={t("rulesLabel")} className="space-y-1">
              {preview.rules.map((r) => (
                <li key={r.code} className={r.level === "block" ? "text-red-700" : "text-amber-800"}>
                  {t(r.level === "block" ? "ruleBlock" : "ruleWarn", { code: r.code, message: r.message })}
                </li>
              ))}
            </ul>
          )}
          {preview.lines.some((l) => l.status !== "unchanged") && (
            <table className="w-full text-left">
              <thead className="text-xs text-slate-500">
                <tr>
                  <th className="py-1 pr-2">{t("code")}</th>
                  <th className="py-1 pr-2">{t("name")}</th>
                  <th className="py-1 pr-2">{t("result")}</th>
                  <th className="py-1">{t("detail")}</th>
                </tr>
              </thead>
              <tbody>
                {preview.lines
                  .filter((l) => l.status !== "unchanged")
                  .map((l) => (
                    <tr key={l.code} className="border-t border-slate-100 align-top" data-testid={`import-${l.code}`}>
                      <td className="py-1 pr-2 text-slate-500">{l.code}</td>
                      <td className="py-1 pr-2">{l.name}</td>
                      <td className="py-1 pr-2">
                        <span className={`rounded-full px-2 py-0.5 text-xs ${STATUS_STYLE[l.status]}`}>
                          {t(l.status)}
                        </span>
                      </td>
                      <td className="py-1">
                        {l.status === "changed" && t("fromTo", { from: l.from ?? "", to: l.to ?? "" })}
                        {l.status === "conflict" && t("conflictText", { current: l.current ?? "", to: l.to ?? "" })}
                        {l.status === "locked" && `${l.to ?? ""}（${l.reason ?? ""}）`}
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          )}
          {blocked && <p className="text-amber-900">{t("cannotApply")}</p>}
          {!blocked && changed === 0 && <p>{t("nothingToApply")}</p>}
          <div className="flex gap-2">
            <button
              type="button"
              disabled={busy || blocked || changed === 0}
              onClick={() => void apply(preview)}
              className="rounded-md bg-brand-700 px-4 py-2 text-white hover:bg-brand-800 disabled:bg-slate-300"
            >
              {t("apply", { count: changed })}
            </button>
            <button
              type="button"
              onClick={() => setPreview(null)}
              className="rounded-md border border-slate-300 bg-white px-4 py-2 hover:bg-slate-50"
            >
              {t("cancel")}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
