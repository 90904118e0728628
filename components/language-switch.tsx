"use client";

import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { useTransition } from "react";
import { setLocaleAction } from "@/app/actions/session";
import { LOCALES, type Locale } from "@/lib/domain";

const LABELS: Record<Locale, string> = { "zh-CN": "中文", en: "English" };

export function LanguageSwitch() {
  const t = useTranslations("nav");
  const current = useLocale();
  const router = useRouter();
  const [pending, startTransition] = useTransition();

  return (
    <div
      role="group"
      aria-label={t("language")}
      className="inline-flex rounded-md border border-slate-300 bg-white p-0.5 text-sm"
    >
      {LOCALES.map((locale) => (
        <button
          key={locale}
          type="button"
          lang={locale}
          aria-pressed={locale === current}
          disabled={pending}
          onClick={() =>
            startTransition(async () => {
              await setLocaleAction({ locale });
              router.refresh();
            })
          }
          className="rounded px-2 py-1 text-slate-700 aria-pressed:bg-brand-600 aria-pressed:text-white"
        >
          {LABELS[locale]}
        </button>
      ))}
    </div>
  );
}
