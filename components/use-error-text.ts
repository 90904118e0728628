"use client";

import { useTranslations } from "next-intl";

/** Translates an error key from a zod schema or an action result; unknown keys fall back to a generic text. */
export function useErrorText() {
  const t = useTranslations("errors");
  return (key: string | undefined, params?: Record<string, unknown>) =>
    key === undefined ? undefined : t.has(key) ? t(key, params as Record<string, string | number>) : t("unexpected");
}
