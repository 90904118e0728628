/** `npm run framework:check -- data/frameworks/2020.json [--lang=zh-CN]`: validates a framework file. */
import fs from "node:fs";
import { createTranslator } from "next-intl";
import { validateFramework } from "@/lib/framework/validate";
import en from "@/messages/en.json";
import zh from "@/messages/zh-CN.json";

const file = process.argv.slice(2).find((a) => !a.startsWith("--"));
const locale = process.argv.includes("--lang=zh-CN") ? "zh-CN" : "en";
if (!file) {
  console.error("usage: npm run framework:check -- <file.json> [--lang=zh-CN]");
  process.exit(2);
}
const t = createTranslator({ locale, messages: locale === "en" ? en : zh, namespace: "frameworkProblems" });
let input: unknown;
try {
  input = JSON.parse(fs.readFileSync(file, "utf8"));
} catch (error) {
  console.error(`${file}: ${(error as Error).message}`);
  process.exit(1);
}
const result = validateFramework(input);
if (result.ok) {
  const { modules } = result.framework;
  const indicators = modules.flatMap((m) => m.indicators);
  console.log(
    `${file}: valid — ${modules.length} modules, ${indicators.length} indicators, ${indicators.flatMap((i) => i.items).length} items, ${result.framework.rules.length} validation rules`,
  );
} else {
  for (const p of result.problems) console.error(`${p.at}: ${t(p.key, p.params)}`);
  console.error(`${file}: ${result.problems.length} problem(s)`);
  process.exit(1);
}
