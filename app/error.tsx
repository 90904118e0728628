"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";

/**
 * A page that failed to render. The server logged the error with this digest and the request's id
 * (instrumentation.ts › onRequestError); the user gets it as 错误编号 to give to support.
 */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const t = useTranslations("errors");
  return (
    <main className="mx-auto flex min-h-[60vh] max-w-lg flex-col items-center justify-center px-4 text-center">
      <h1 className="text-xl font-semibold">{t("pageFailedTitle")}</h1>
      <p className="mt-2 text-slate-600">{t("pageFailedBody")}</p>
      {error.digest && (
        <p className="mt-3 text-sm text-slate-600">
          {t("reference")}
          <span className="font-mono font-semibold select-all">{error.digest}</span>
        </p>
      )}
      <div className="mt-6 flex gap-3">
        <button
          type="button"
          onClick={reset}
          className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700"
        >
          {t("tryAgain")}
        </button>
        <Link href="/" className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-50">
          {t("backHome")}
        </Link>
      </div>
    </main>
  );
}
