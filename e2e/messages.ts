/**
 * The UI's own text, from messages/<locale>.json by key, so that a test follows a wording change instead of
 * breaking on it: `zh("errors.roundNotDraft")`, `text("en", "auth.submit")`, `zh("errors.staleRevision", { name: "李四" })`.
 */
import fs from "node:fs";
import path from "node:path";

type Locale = "zh-CN" | "en";

const catalogues = new Map<Locale, Record<string, unknown>>();

function catalogue(locale: Locale): Record<string, unknown> {
  let loaded = catalogues.get(locale);
  if (!loaded) {
    loaded = JSON.parse(fs.readFileSync(path.resolve(process.cwd(), `messages/${locale}.json`), "utf8")) as Record<
      string,
      unknown
    >;
    catalogues.set(locale, loaded);
  }
  return loaded;
}

export function text(locale: Locale, key: string, params: Record<string, string | number> = {}): string {
  const found = key
    .split(".")
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], catalogue(locale));
  if (typeof found !== "string") throw new Error(`no message ${key} in messages/${locale}.json`);
  return found.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export const zh = (key: string, params: Record<string, string | number> = {}) => text("zh-CN", key, params);
