"use client";

import { useTranslations } from "next-intl";
import { splitErrorKey } from "@/lib/error-reference";

/**
 * Translates an error key from a zod schema or an action result; unknown keys fall back to a generic text.
 * An unexpected error's key carries its reference (错误编号), which the text shows.
 */
export function useErrorText() {
  const t = useTranslations("errors");
  return (key: string | undefined, params?: Record<string, unknown>) => {
    if (key === undefined) return undefined;
    const { key: messageKey, reference } = splitErrorKey(key);
    const values = { ...params, ...(reference ? { reference } : {}) } as Record<string, string | number>;
    return t.has(messageKey) ? t(messageKey, values) : t("unexpected");
  };
}
