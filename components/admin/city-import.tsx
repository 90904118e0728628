"use client";

import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import type { CityField, ImportRow, ImportStatus } from "@/lib/cities/import";
import type { CityTier, Region } from "@/lib/domain";
import { pick } from "@/lib/i18n/pick";
import { Button } from "../ui/button";

type Problem = { row: number; column: string; message: string };
type Preview = { fileName: string; rows: ImportRow[]; problems: Problem[]; counts: Record<ImportStatus, number> };
type Message = { ok: boolean; text: string };

const STATUS_STYLE: Record<ImportStatus, string> = {
  create: "text-emerald-700",
  update: "text-amber-700",
  unchanged: "text-slate-500",
};

/** Upload a CSV or Excel file of cities: a dry run shows what would change and every problem; then apply it. */
export function CityImport() {
  const t = useTranslations("cityImport");
  const colon = useTranslations("common")("colon");
  const tc = useTranslations("cities");
  const tr = useTranslations("regions");
  const tt = useTranslations("tiers");
  const locale = useLocale();
  const router = useRouter();
  const [file, setFile] = useState<File>();
  const [preview, setPreview] = useState<Preview>();
  const [message, setMessage] = useState<Message>();
  const [pending, start] = useTransition();
  const [busy, setBusy] = useState<"checking" | "applying">("checking");

  // The file is sent again to apply it: the server keeps nothing between the preview and the import.
  async function send(selected: File, apply: boolean): Promise<{ ok: boolean; body: Record<string, unknown> }> {
    try {
      const response = await fetch(`/api/cities/import${apply ? "?apply=1" : ""}`, { method: "POST", body: selected });
      return { ok: response.ok, body: (await response.json().catch(() => ({}))) as Record<string, unknown> };
    } catch {
      return { ok: false, body: {} }; // offline, or the file became unreadable: the generic message says try again
    }
  }

  const check = (selected: File) => {
    setFile(selected);
    setPreview(undefined);
    setMessage(undefined);
    setBusy("checking");
    start(async () => {
      const { ok, body } = await send(selected, false);
      if (ok) setPreview({ fileName: selected.name, ...(body as Omit<Preview, "fileName">) });
      else setMessage({ ok: false, text: (body.message as string | undefined) ?? t("failed") });
    });
  };

  const apply = () => {
    if (!file) return;
    setBusy("applying");
    start(async () => {
      const { ok, body } = await send(file, true);
      if (ok) {
        setMessage({ ok: true, text: t("applied", { created: Number(body.created), updated: Number(body.updated) }) });
        setPreview(undefined);
        setFile(undefined);
        router.refresh();
        return;
      }
      setMessage({ ok: false, text: (body.message as string | undefined) ?? t("failed") });
      const problems = body.problems as Problem[] | undefined;
      if (problems) setPreview((current) => current && { ...current, problems });
    });
  };

  const valueText = (field: CityField, value: string) =>
    field === "region" ? tr(value as Region) : field === "tier" ? tt(value as CityTier) : value;
  const toChange = preview ? preview.counts.create + preview.counts.update : 0;
  const canApply = !!preview && !pending && preview.problems.length === 0 && toChange > 0;
  const cell = "px-3 py-2";
  const head = "px-3 py-2 font-medium";

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        <a
          href="/api/cities/import"
          download
          className="rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50"
        >
          {t("template")}
        </a>
        <label className="flex items-center gap-2">
          {t("file")}
          <input
            type="file"
            accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            disabled={pending}
            onChange={(e) => {
              const selected = e.target.files?.[0];
              if (selected) check(selected);
              e.target.value = ""; // choosing the same file again, once fixed, must check it again
            }}
          />
        </label>
      </div>
      <p aria-live="polite" className="text-slate-600">
        {pending ? t(busy) : ""}
      </p>
      {message && (
        <p role={message.ok ? "status" : "alert"} className={message.ok ? "text-emerald-700" : "text-red-700"}>
          {message.text}
        </p>
      )}

      {preview && preview.problems.length > 0 && (
        <div className="overflow-x-auto rounded-lg border border-red-200 bg-white">
          <table className="min-w-full text-sm">
            <caption className="px-3 py-2 text-left font-medium text-red-700">
              {t("problemsCaption", { count: preview.problems.length })}
            </caption>
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                <th scope="col" className={head}>
                  {t("row")}
                </th>
                <th scope="col" className={head}>
                  {t("column")}
                </th>
                <th scope="col" className={head}>
                  {t("problem")}
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {preview.problems.map((p, i) => (
                <tr key={i}>
                  <td className={`${cell} tabular-nums`}>{p.row}</td>
                  <td className={`${cell} font-mono`}>{p.column}</td>
                  <td className={cell}>{p.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {preview && (preview.rows.length > 0 || preview.problems.length === 0) && (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full text-sm">
            <caption className="px-3 py-2 text-left font-medium">
              {t("previewCaption", { name: preview.fileName, ...preview.counts })}
            </caption>
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                {[t("row"), t("code"), t("name"), t("status"), t("changes")].map((h) => (
                  <th key={h} scope="col" className={head}>
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {preview.rows.length === 0 && (
                <tr>
                  <td colSpan={5} className={`${cell} text-slate-500`}>
                    {t("noRows")}
                  </td>
                </tr>
              )}
              {preview.rows.map((r) => (
                <tr key={r.row}>
                  <td className={`${cell} tabular-nums`}>{r.row}</td>
                  <td className={`${cell} font-mono`}>{r.city.code}</td>
                  <td className={cell}>{pick(locale, r.city.nameZh, r.city.nameEn)}</td>
                  <td className={`${cell} ${STATUS_STYLE[r.status]}`}>{t(`statuses.${r.status}`)}</td>
                  <td className={cell}>
                    {r.changes.map((c) => (
                      <div key={c.field}>
                        {tc(c.field)}
                        {colon}
                        <del className="text-slate-500">{valueText(c.field, c.from)}</del> → {valueText(c.field, c.to)}
                      </div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {preview && (
        <div className="flex flex-wrap items-center gap-3">
          <Button type="button" disabled={!canApply} onClick={apply}>
            {t("apply")}
          </Button>
          {preview.problems.length === 0 && toChange === 0 && (
            <span className="text-slate-600">{t("nothingToApply")}</span>
          )}
        </div>
      )}
    </div>
  );
}
