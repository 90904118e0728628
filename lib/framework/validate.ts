/**
 * Validates a framework file beyond its shape: unique and well-nested codes, points that add up,
 * and every scoring rule well-formed for its answer type. Each problem names the offending code and
 * carries a message key (messages/*.json → "frameworkProblems") so that the CLI and the UI can
 * translate it.
 */
import type { z } from "zod";
import { toHundredths, toPoints } from "@/lib/scoring/hundredths";
import { compileRules } from "@/lib/validation/rules";
import { type FrameworkFile, type FrameworkItem, frameworkFileSchema, RULES_FOR_TYPE } from "./schema";

export type FrameworkProblem = {
  /** the code of the module, indicator or item at fault, or a path where no code is known */
  at: string;
  key: FrameworkProblemKey;
  params?: Record<string, string | number>;
};

export type FrameworkProblemKey =
  | "invalidShape"
  | "missingValue"
  | "notANumber"
  | "duplicateCode"
  | "codeNotNested"
  | "pointsPrecision"
  | "modulesSum"
  | "indicatorsSum"
  | "itemsSum"
  | "ruleNotForType"
  | "linearRange"
  | "bandsOrder"
  | "singleFractions"
  | "optionsMissing"
  | "optionsNotAllowed"
  | "duplicateOption"
  | "optionValueInvalid"
  | "minAboveMax"
  | "unitNotAllowed"
  | "unscoredWithPoints"
  | "ruleInvalid";

export type FrameworkResult = { ok: true; framework: FrameworkFile } | { ok: false; problems: FrameworkProblem[] };

export function validateFramework(input: unknown): FrameworkResult {
  const parsed = frameworkFileSchema.safeParse(input);
  if (!parsed.success) return { ok: false, problems: shapeProblems(input, parsed.error) };
  const problems = ruleProblems(parsed.data);
  return problems.length ? { ok: false, problems } : { ok: true, framework: parsed.data };
}

/** Maps zod's path (modules.0.indicators.1.items.2.rule) to the nearest code in the raw input. */
function shapeProblems(input: unknown, error: z.ZodError): FrameworkProblem[] {
  return error.issues.map((issue): FrameworkProblem => {
    let node: unknown = input;
    let at = "";
    const rest: string[] = [];
    for (const segment of issue.path) {
      node =
        node && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[segment as PropertyKey] : undefined;
      const code = node && typeof node === "object" ? (node as { code?: unknown }).code : undefined;
      if (typeof code === "string" && code) {
        at = code;
        rest.length = 0;
      } else rest.push(String(segment));
    }
    const field = rest.join(".") || "(root)";
    // The usual slips get a message of their own rather than zod's (English) wording.
    const blank = node === null || node === undefined || (typeof node === "string" && node.trim() === "");
    if (blank && (issue.code === "invalid_type" || issue.code === "too_small"))
      return { at: at || field, key: "missingValue", params: { column: field } };
    if (issue.code === "invalid_type" && issue.expected === "number")
      return { at: at || field, key: "notANumber", params: { column: field, value: String(node) } };
    return { at: at || field, key: "invalidShape", params: { field, detail: issue.message } };
  });
}

function ruleProblems(fw: FrameworkFile): FrameworkProblem[] {
  const problems: FrameworkProblem[] = [];
  const seen = new Set<string>();
  const claim = (code: string) => {
    if (seen.has(code)) problems.push({ at: code, key: "duplicateCode" });
    seen.add(code);
  };
  const checkPrecision = (at: string, value: number) => {
    if (Math.abs(value * 100 - toHundredths(value)) > 1e-6)
      problems.push({ at, key: "pointsPrecision", params: { value } });
  };
  const sumOf = (xs: { points: number }[]) => xs.reduce((sum, x) => sum + toHundredths(x.points), 0);

  checkPrecision("total", fw.total);
  if (sumOf(fw.modules) !== toHundredths(fw.total)) {
    problems.push({
      at: "total",
      key: "modulesSum",
      params: { expected: fw.total, actual: String(toPoints(sumOf(fw.modules))) },
    });
  }
  for (const mod of fw.modules) {
    claim(mod.code);
    checkPrecision(mod.code, mod.points);
    if (sumOf(mod.indicators) !== toHundredths(mod.points)) {
      problems.push({
        at: mod.code,
        key: "indicatorsSum",
        params: { expected: mod.points, actual: String(toPoints(sumOf(mod.indicators))) },
      });
    }
    for (const ind of mod.indicators) {
      claim(ind.code);
      checkPrecision(ind.code, ind.points);
      if (!ind.code.startsWith(mod.code))
        problems.push({ at: ind.code, key: "codeNotNested", params: { parent: mod.code } });
      if (sumOf(ind.items) !== toHundredths(ind.points)) {
        problems.push({
          at: ind.code,
          key: "itemsSum",
          params: { expected: ind.points, actual: String(toPoints(sumOf(ind.items))) },
        });
      }
      for (const item of ind.items) {
        claim(item.code);
        checkPrecision(item.code, item.points);
        if (!item.code.startsWith(`${ind.code}.`))
          problems.push({ at: item.code, key: "codeNotNested", params: { parent: ind.code } });
        problems.push(...itemProblems(item));
      }
    }
  }
  // Validation rules: parsed and type-checked against the items (their problem is named in "rules.problems").
  const items = fw.modules.flatMap((m) =>
    m.indicators.flatMap((i) => i.items.map((item) => ({ code: item.code, type: item.type, module: m.code }))),
  );
  for (const { code, problem } of compileRules(fw.rules, items).problems)
    problems.push({ at: code, key: "ruleInvalid", params: { problem: problem.key, ...problem.values } });
  return problems;
}

function itemProblems(item: FrameworkItem): FrameworkProblem[] {
  const problems: FrameworkProblem[] = [];
  const at = item.code;
  const { rule, type } = item;
  const hasOptions = type === "single" || type === "multi";

  if (!RULES_FOR_TYPE[type].includes(rule.kind)) {
    problems.push({ at, key: "ruleNotForType", params: { rule: rule.kind, type } });
  }
  if (hasOptions && (item.options?.length ?? 0) < (type === "single" ? 2 : 1)) {
    problems.push({ at, key: "optionsMissing", params: { type } });
  }
  if (!hasOptions && item.options) problems.push({ at, key: "optionsNotAllowed", params: { type } });
  const values = (item.options ?? []).map((o) => o.value);
  // "|" and line breaks separate options and their labels in the Excel workbook's options cell.
  for (const value of values.filter((v) => /[|\r\n]/.test(v)))
    problems.push({ at, key: "optionValueInvalid", params: { value } });
  for (const value of new Set(values.filter((v, i) => values.indexOf(v) !== i))) {
    problems.push({ at, key: "duplicateOption", params: { value } });
  }
  if (type !== "number" && item.unit) problems.push({ at, key: "unitNotAllowed", params: { type } });
  if (item.min !== undefined && item.max !== undefined && item.min > item.max) {
    problems.push({ at, key: "minAboveMax", params: { min: item.min, max: item.max } });
  }
  if (rule.kind === "none" && item.points !== 0) problems.push({ at, key: "unscoredWithPoints" });

  if (rule.kind === "linear" && !(rule.lo < rule.hi)) {
    problems.push({ at, key: "linearRange", params: { lo: rule.lo, hi: rule.hi } });
  }
  if (rule.kind === "bands") {
    // Bands are tried in order, so each lower bound must be strictly below the previous one.
    for (let i = 1; i < rule.bands.length; i++) {
      const prev = rule.bands[i - 1]!;
      const cur = rule.bands[i]!;
      if (!(cur.value < prev.value) || cur.fraction > prev.fraction) {
        problems.push({ at, key: "bandsOrder", params: { band: i + 1 } });
      }
    }
  }
  if (rule.kind === "single") {
    const keys = Object.keys(rule.fractions).sort();
    const expected = [...new Set(values)].sort();
    if (keys.join("\u0000") !== expected.join("\u0000")) {
      problems.push({
        at,
        key: "singleFractions",
        params: { options: expected.join(", "), fractions: keys.join(", ") },
      });
    }
  }
  return problems;
}
