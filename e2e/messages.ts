/**
 * The UI's own text, from messages/<locale>.json by key, so that a test follows a wording change instead of
 * breaking on it: `zh("errors.roundNotDraft")`, `text("en", "auth.submit")`, `zh("errors.staleRevision", { name: "李四" })`.
 * Parameters are substituted as plain `{name}` placeholders; ICU plural/select syntax is not interpreted (zh-CN
 * has none; in English, pass the words yourself).
 */
import fs from "node:fs";
import path from "node:path";

type Locale = "zh-CN" | "en";
type Params = Record<string, string | number>;

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

function message(locale: Locale, key: string): string {
  const found = key
    .split(".")
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], catalogue(locale));
  if (typeof found !== "string") throw new Error(`no message ${key} in messages/${locale}.json`);
  return found;
}

export function text(locale: Locale, key: string, params: Params = {}): string {
  return message(locale, key).replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export const zh = (key: string, params: Params = {}) => text("zh-CN", key, params);

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * A zh-CN message as a RegExp over the whole text, for a message whose variable part a test cannot know (a
 * count, a timestamp): the given parameters are matched literally, every other `{param}` matches any text.
 * `zhPattern("audit.chainIntact")` matches "审计链完整：第 1 行至第 42 行逐行核验无误，…（核验于 2099年…）。", and
 * `zhPattern("cityImport.previewCaption", { create: 1 })` any preview caption that counts one new city.
 */
export function zhPattern(key: string, params: Params = {}): RegExp {
  const parts = message("zh-CN", key).split(/\{(\w+)\}/);
  // split() with a capture group alternates literal text (even indexes) and parameter names (odd ones).
  const source = parts
    .map((part, i) => (i % 2 === 0 ? escape(part) : part in params ? escape(String(params[part])) : ".+?"))
    .join("");
  return new RegExp(`^${source}$`);
}
