/**
 * Zod schemas derived from an item's definition. The same schema validates the questionnaire form in the
 * browser and the saved answer on the server. Messages are keys of the "errors" namespace.
 */
import { z } from "zod";
import type { Item } from "@/lib/framework/item";

export type ItemConstraints = Pick<Item, "answerType" | "options" | "minValue" | "maxValue" | "decimals">;

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
/** Commas only as thousands separators, in groups of three ("1,234,567.5"); "1,5" is not a number. */
const THOUSANDS = /^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$/;
export const TEXT_MAX = 2000;
export const REASON_MAX = 500;

/** "" → null; "12.5" → 12.5; other text stays text so that z.number() refuses it. Never free text in a number. */
function toNumberOrNull(raw: unknown): unknown {
  if (typeof raw !== "string") return raw;
  const text = raw.trim();
  const trimmed = THOUSANDS.test(text) ? text.replace(/,/g, "") : text;
  if (trimmed === "") return null;
  return DECIMAL.test(trimmed) ? Number(trimmed) : trimmed;
}

const emptyToNull = (raw: unknown) => (typeof raw === "string" && raw.trim() === "" ? null : raw);

/** Whether the number has at most `decimals` decimal places — judged on its value, so 1e-7 has seven. */
function hasAtMostDecimals(value: number, decimals: number): boolean {
  return Number(value.toFixed(decimals)) === value;
}

/** The schema of a non-empty value of this item (null means unanswered and is allowed). */
export function valueSchemaFor(item: ItemConstraints): z.ZodType<unknown> {
  const optionValues = (item.options ?? []).map((o) => o.value);
  switch (item.answerType) {
    case "number": {
      let n = z.number({ error: "notANumber" });
      if (item.minValue !== null) n = n.min(item.minValue, { error: "outOfRange" });
      if (item.maxValue !== null) n = n.max(item.maxValue, { error: "outOfRange" });
      const decimals = item.decimals ?? 6;
      return z.preprocess(
        toNumberOrNull,
        n.refine((v) => hasAtMostDecimals(v, decimals), { error: "tooManyDecimals" }).nullable(),
      );
    }
    case "boolean":
      return z.preprocess(
        (raw) => (raw === "true" ? true : raw === "false" ? false : emptyToNull(raw)),
        z.boolean({ error: "chooseOne" }).nullable(),
      );
    case "single":
      return z.preprocess(
        emptyToNull,
        z
          .string({ error: "chooseOne" })
          .refine((v) => optionValues.includes(v), { error: "chooseOne" })
          .nullable(),
      );
    case "multi":
      return z.preprocess(
        (raw) => (Array.isArray(raw) && raw.length === 0 ? null : raw),
        z
          .array(
            z.string({ error: "chooseOne" }).refine((v) => optionValues.includes(v), { error: "chooseOne" }),
            { error: "chooseOne" },
          )
          .refine((values) => new Set(values).size === values.length, { error: "chooseOne" })
          // keep the framework's order so that equal selections compare equal
          .transform((values) => optionValues.filter((v) => values.includes(v)))
          .nullable(),
      );
    case "text":
      return z.preprocess(
        emptyToNull,
        z.string({ error: "required" }).trim().max(TEXT_MAX, { error: "tooLong" }).nullable(),
      );
    case "url":
      return z.preprocess(
        (raw) => (typeof raw === "string" ? emptyToNull(raw.trim()) : raw),
        z
          .url({ protocol: /^https?$/, error: "urlInvalid" })
          .max(TEXT_MAX, { error: "tooLong" })
          .nullable(),
      );
  }
}

export type AnswerOutput = { value: unknown; notApplicableReason: string | null };

// Building a zod schema costs far more than using one; autosave validates against the same few items.
const schemaCache = new Map<string, ReturnType<typeof buildAnswerSchema>>();

/**
 * The answer of one item: a typed value, or "not applicable" with a mandatory reason (then the value is
 * dropped and not validated).
 */
export function answerSchemaFor(item: ItemConstraints) {
  const key = JSON.stringify([
    item.answerType,
    item.options?.map((o) => o.value) ?? null,
    item.minValue,
    item.maxValue,
    item.decimals,
  ]);
  let schema = schemaCache.get(key);
  if (!schema) {
    if (schemaCache.size > 5000) schemaCache.clear();
    schema = buildAnswerSchema(item);
    schemaCache.set(key, schema);
  }
  return schema;
}

function buildAnswerSchema(item: ItemConstraints) {
  const valueSchema = valueSchemaFor(item);
  return z
    .object({
      value: z.unknown(),
      notApplicable: z.boolean().default(false),
      notApplicableReason: z.string().max(REASON_MAX, { error: "tooLong" }).default(""),
    })
    .transform((input, ctx): AnswerOutput => {
      if (input.notApplicable) {
        const reason = input.notApplicableReason.trim();
        if (!reason) {
          ctx.addIssue({ code: "custom", path: ["notApplicableReason"], message: "naReasonRequired" });
          return z.NEVER;
        }
        return { value: null, notApplicableReason: reason };
      }
      const parsed = valueSchema.safeParse(input.value);
      if (!parsed.success) {
        for (const issue of parsed.error.issues)
          ctx.addIssue({ code: "custom", path: ["value", ...issue.path], message: issue.message });
        return z.NEVER;
      }
      return { value: parsed.data ?? null, notApplicableReason: null };
    });
}

export type AnswerInput = z.input<ReturnType<typeof answerSchemaFor>>;

/** Whether a stored answer counts as answered (a value, or not applicable with a reason). */
export function isAnswered(answer: { value: unknown; notApplicableReason: string | null } | undefined): boolean {
  return !!answer && (answer.value !== null && answer.value !== undefined ? true : !!answer.notApplicableReason);
}
