"use client";

import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { pick } from "@/lib/i18n/pick";
import { formatPoints } from "@/lib/i18n/points";
import { type BundleVerification, bundleKeyFingerprint, verifyBundle } from "@/lib/verify/bundle";

type Outcome =
  | { kind: "unreadable"; name: string }
  | {
      kind: "checked";
      name: string;
      verification: BundleVerification;
      fingerprint: string | null;
      summary: Summary | null;
    };

type Summary = { round: string; city: string | null; total: number | null; rank: number | null; ranked: number };

/** Reads what the file says about itself, for the heading of the result (only after the checks ran). */
function summarise(raw: unknown, locale: string): Summary | null {
  const b = raw as {
    signed?: { record?: { roundName?: string } };
    round?: { name?: string; nameEn?: string | null };
    scope?: { kind?: string; cityId?: number };
    cities?: { id: number; nameZh: string; nameEn: string }[];
    results?: { cityId: number; level: string; points: number; rank: number | null }[];
    ranking?: { total: number | null }[];
  } | null;
  if (!b?.round?.name) return null;
  const cityId = b.scope?.kind === "city" ? b.scope.cityId : undefined;
  const city = b.cities?.find((c) => c.id === cityId);
  const total = b.results?.find((r) => r.cityId === cityId && r.level === "total");
  return {
    // The name as signed (the file's own label is checked against it).
    round: b.signed?.record?.roundName ?? b.round.name,
    city: city ? pick(locale, city.nameZh, city.nameEn) : null,
    total: total ? total.points : null,
    rank: total?.rank ?? null,
    ranked: b.ranking?.filter((r) => r.total !== null).length ?? 0,
  };
}

/** Drop or choose a bundle file; it is checked in this browser and never sent anywhere. */
export function BundleChecker() {
  const t = useTranslations("verify");
  const locale = useLocale();
  const [outcome, setOutcome] = useState<Outcome>();
  const [busy, setBusy] = useState(false);
  const [dragging, setDragging] = useState(false);

  async function check(file: File | undefined) {
    if (!file) return;
    setBusy(true);
    setOutcome(undefined);
    let raw: unknown;
    try {
      raw = JSON.parse(await file.text());
    } catch {
      setOutcome({ kind: "unreadable", name: file.name });
      setBusy(false);
      return;
    }
    const verification = await verifyBundle(raw);
    const key = (raw as { signed?: { publicKey?: unknown } } | null)?.signed?.publicKey;
    const fingerprint = typeof key === "string" ? await bundleKeyFingerprint(key).catch(() => null) : null;
    setOutcome({
      kind: "checked",
      name: file.name,
      verification,
      fingerprint,
      summary: verification.checks[0]?.id === "format" ? null : summarise(raw, locale),
    });
    setBusy(false);
  }

  return (
    <div className="mt-6 space-y-6">
      <label
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          void check(e.dataTransfer.files[0]);
        }}
        className={`flex cursor-pointer flex-col items-center gap-2 rounded-xl border-2 border-dashed px-6 py-10 text-center text-sm ${dragging ? "border-brand-600 bg-brand-50" : "border-slate-300 bg-white"}`}
      >
        <span className="font-medium">{t("drop")}</span>
        <span className="text-slate-600">{t("local")}</span>
        <input
          type="file"
          accept=".json,application/json"
          className="sr-only"
          aria-label={t("choose")}
          onChange={(e) => void check(e.target.files?.[0])}
        />
        <span aria-hidden className="rounded-md border border-slate-300 bg-white px-3 py-1.5">
          {t("choose")}
        </span>
      </label>
      {busy && <p role="status">{t("checking")}</p>}
      {outcome?.kind === "unreadable" && (
        <p role="alert" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800">
          {t("unreadable", { name: outcome.name })}
        </p>
      )}
      {outcome?.kind === "checked" && (
        <section aria-labelledby="verify-result" className="space-y-4 rounded-xl border border-slate-200 bg-white p-5">
          <div role="status">
            <h2
              id="verify-result"
              className={`text-lg font-semibold ${outcome.verification.ok ? "text-emerald-700" : "text-red-700"}`}
            >
              {outcome.verification.ok ? t("ok") : t("notOk")}
            </h2>
          </div>
          {outcome.summary && (
            <p className="text-sm">
              {outcome.summary.round}
              {outcome.summary.city && ` · ${outcome.summary.city}`}
              {outcome.summary.city &&
                outcome.summary.total !== null &&
                ` · ${t("cityTotal", { points: formatPoints(outcome.summary.total, locale), rank: outcome.summary.rank ?? "-", ranked: outcome.summary.ranked })}`}
            </p>
          )}
          {outcome.fingerprint && (
            <p className="text-sm text-slate-700">
              {t("fingerprint")}{" "}
              <span className="font-mono text-xs break-all" data-testid="bundle-fingerprint">
                {outcome.fingerprint}
              </span>
              <br />
              <span className="text-slate-500">{t("compareFingerprint")}</span>
            </p>
          )}
          <ul className="space-y-2 text-sm">
            {outcome.verification.checks.map((c) => (
              <li key={c.id}>
                <span className={c.differences.length ? "font-medium text-red-700" : "text-emerald-700"}>
                  {c.differences.length ? "✗" : "✓"} {t(`checks.${c.id}`)}
                </span>
                {c.differences.length > 0 && (
                  <ul className="mt-1 ml-5 list-disc font-mono text-xs break-all text-slate-700">
                    {c.differences.slice(0, 20).map((d) => (
                      <li key={d}>{d}</li>
                    ))}
                    {c.differences.length > 20 && <li>{t("more", { count: c.differences.length - 20 })}</li>}
                  </ul>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
