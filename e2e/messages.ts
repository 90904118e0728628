/**
 * The UI's own text, from messages/zh-CN.json by key, so that a test follows a wording change instead of
 * breaking on it: `zh("errors.roundNotDraft")`, `zh("errors.staleRevision", { name: "李四" })`.
 */
import fs from "node:fs";
import path from "node:path";

const catalogue = JSON.parse(fs.readFileSync(path.resolve(process.cwd(), "messages/zh-CN.json"), "utf8")) as Record<
  string,
  unknown
>;

export function zh(key: string, params: Record<string, string | number> = {}): string {
  const text = key
    .split(".")
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], catalogue);
  if (typeof text !== "string") throw new Error(`no message ${key} in messages/zh-CN.json`);
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
