/**
 * The framework file format (data/frameworks/<year>.json): modules (L1) → indicators (L2) → items (L3).
 * Points are written as decimals with at most two places; the database keeps integer hundredths.
 */
import { z } from "zod";

export const ANSWER_TYPES = ["number", "boolean", "single", "multi", "text", "url"] as const;
export type AnswerType = (typeof ANSWER_TYPES)[number];

/** SG bulletin/yearbook, DOC official document, EXP system export, SS screenshot, LST list, RPT report, URL link */
export const EVIDENCE_KINDS = ["SG", "DOC", "EXP", "SS", "LST", "RPT", "URL"] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

const localized = z.object({ zh: z.string().trim().min(1), en: z.string().trim().min(1) });
export type Localized = z.infer<typeof localized>;

const fraction = z.number().min(0).max(1);
const points = z.number().nonnegative();

const band = z.object({ op: z.enum([">=", ">"]), value: z.number(), fraction });
export type Band = z.infer<typeof band>;

export const scoringRuleSchema = z.discriminatedUnion("kind", [
  /** max × clamp((v − lo) / (hi − lo), 0, 1) */
  z.object({ kind: z.literal("linear"), lo: z.number(), hi: z.number() }),
  /** the first band whose lower bound the value reaches gives a fraction of max, else 0 */
  z.object({ kind: z.literal("bands"), bands: z.array(band).min(1) }),
  /** yes → max, no → 0 */
  z.object({ kind: z.literal("boolean") }),
  /** each option maps to a fraction of max */
  z.object({ kind: z.literal("single"), fractions: z.record(z.string(), fraction) }),
  /** fixed points per selected option, capped at max */
  z.object({ kind: z.literal("multi"), pointsEach: z.number().positive() }),
  /** the reviewer judges the link: works and relevant → max, incomplete → 50%, else 0 */
  z.object({ kind: z.literal("url") }),
  /** not scored (free text) */
  z.object({ kind: z.literal("none") }),
]);
export type ScoringRule = z.infer<typeof scoringRuleSchema>;

const option = z.object({ value: z.string().trim().min(1), label: localized });
export type ItemOption = z.infer<typeof option>;

export const itemSchema = z.object({
  code: z.string().trim().min(1),
  name: localized,
  type: z.enum(ANSWER_TYPES),
  unit: localized.optional(),
  options: z.array(option).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  decimals: z.number().int().min(0).max(6).optional(),
  required: z.boolean().default(true),
  rule: scoringRuleSchema,
  points,
  evidence: z.object({ kinds: z.array(z.enum(EVIDENCE_KINDS)), required: z.boolean() }),
  help: localized.optional(),
});

export const indicatorSchema = z.object({
  code: z.string().trim().min(1),
  name: localized,
  points,
  proposed: z.boolean().default(false),
  items: z.array(itemSchema).min(1),
});

export const moduleSchema = z.object({
  code: z.string().trim().min(1),
  name: localized,
  points,
  indicators: z.array(indicatorSchema).min(1),
});

/** A validation rule across items (lib/validation/rules.ts): `warn` is shown, `block` holds up submitting. */
export const validationRuleSchema = z.object({
  code: z.string().trim().min(1).max(20),
  expr: z.string().trim().min(1).max(500),
  level: z.enum(["warn", "block"]),
  message: localized,
});

export const frameworkFileSchema = z.object({
  year: z.number().int(),
  name: localized,
  total: points,
  modules: z.array(moduleSchema).min(1),
  rules: z.array(validationRuleSchema).default([]),
});

export type FrameworkFile = z.output<typeof frameworkFileSchema>;
export type FrameworkModule = FrameworkFile["modules"][number];
export type FrameworkIndicator = FrameworkModule["indicators"][number];
export type FrameworkItem = FrameworkIndicator["items"][number];

/** Rule kinds allowed for each answer type. */
export const RULES_FOR_TYPE: Record<AnswerType, ScoringRule["kind"][]> = {
  number: ["linear", "bands"],
  boolean: ["boolean"],
  single: ["single"],
  multi: ["multi"],
  url: ["url"],
  text: ["none"],
};
