import { describe, expect, it } from "vitest";
import { answerSchemaFor, type ItemConstraints, isAnswered } from "./answer-schema";

const base = { options: null, minValue: null, maxValue: null, decimals: null } as const;
const percent: ItemConstraints = { ...base, answerType: "number", minValue: 0, maxValue: 100, decimals: 2 };
const count: ItemConstraints = { ...base, answerType: "number", minValue: 0, decimals: 0 };
const yesNo: ItemConstraints = { ...base, answerType: "boolean" };
const options = ["none", "built", "linked"].map((value) => ({ value, label: { zh: value, en: value } }));
const single: ItemConstraints = { ...base, answerType: "single", options };
const multi: ItemConstraints = { ...base, answerType: "multi", options };
const text: ItemConstraints = { ...base, answerType: "text" };
const url: ItemConstraints = { ...base, answerType: "url" };

function accept(item: ItemConstraints, value: unknown) {
  const result = answerSchemaFor(item).safeParse({ value });
  if (!result.success) throw new Error(JSON.stringify(result.error.issues));
  return result.data.value;
}

function refuse(item: ItemConstraints, input: object) {
  const result = answerSchemaFor(item).safeParse(input);
  if (result.success) throw new Error(`accepted ${JSON.stringify(input)}`);
  return result.error.issues.map((i) => [i.path.join("."), i.message]);
}

describe("number items", () => {
  it("accept numbers and decimal strings from the form, within limits and decimals", () => {
    expect(accept(percent, "87.5")).toBe(87.5);
    expect(accept(percent, " 100 ")).toBe(100);
    expect(accept(percent, 0)).toBe(0);
    expect(accept(count, "1,234")).toBe(1234);
    expect(accept(percent, "")).toBeNull();
    expect(accept(percent, null)).toBeNull();
  });

  it("refuse free text, N/A typed in, out-of-range values and too many decimals", () => {
    expect(refuse(percent, { value: "N/A" })).toEqual([["value", "notANumber"]]);
    expect(refuse(percent, { value: "12abc" })).toEqual([["value", "notANumber"]]);
    expect(refuse(percent, { value: "1e3" })).toEqual([["value", "notANumber"]]);
    expect(refuse(percent, { value: "100.01" })).toEqual([["value", "outOfRange"]]);
    expect(refuse(percent, { value: -1 })).toEqual([["value", "outOfRange"]]);
    expect(refuse(percent, { value: "1.234" })).toEqual([["value", "tooManyDecimals"]]);
    expect(refuse(count, { value: "2.5" })).toEqual([["value", "tooManyDecimals"]]);
    expect(refuse(percent, { value: Number.NaN })).toEqual([["value", "notANumber"]]);
  });

  it("judge decimals on the number's value (exponent forms too), and commas only as thousands separators", () => {
    expect(refuse(percent, { value: 1e-7 })).toEqual([["value", "tooManyDecimals"]]);
    expect(refuse(percent, { value: 5e-324 })).toEqual([["value", "tooManyDecimals"]]);
    expect(refuse(count, { value: 1e-7 })).toEqual([["value", "tooManyDecimals"]]);
    expect(refuse(percent, { value: 0.001 })).toEqual([["value", "tooManyDecimals"]]);
    expect(accept(percent, 0.01)).toBe(0.01);
    expect(accept(count, 1e6)).toBe(1_000_000);
    expect(refuse(percent, { value: "1,5" })).toEqual([["value", "notANumber"]]);
    expect(refuse(count, { value: "12,34" })).toEqual([["value", "notANumber"]]);
    expect(accept(count, "1,234,567")).toBe(1_234_567);
    expect(accept(count, "12,345.")).toBe(12_345);
  });
});

describe("wrong element types", () => {
  it("get the item's own message, never zod's English text", () => {
    const many: ItemConstraints = {
      ...base,
      answerType: "multi",
      options: [{ value: "a", label: { zh: "甲", en: "A" } }],
    };
    expect(refuse(many, { value: [null] })).toEqual([["value.0", "chooseOne"]]);
    expect(refuse(many, { value: [["a"]] })).toEqual([["value.0", "chooseOne"]]);
  });
});

describe("choice, text and URL items", () => {
  it("boolean from radio strings or booleans", () => {
    expect(accept(yesNo, "true")).toBe(true);
    expect(accept(yesNo, false)).toBe(false);
    expect(refuse(yesNo, { value: "maybe" })).toEqual([["value", "chooseOne"]]);
  });

  it("single: one of the options", () => {
    expect(accept(single, "built")).toBe("built");
    expect(refuse(single, { value: "other" })).toEqual([["value", "chooseOne"]]);
  });

  it("multi: options only, no duplicates, kept in framework order; none selected is unanswered", () => {
    expect(accept(multi, ["linked", "none"])).toEqual(["none", "linked"]);
    expect(accept(multi, [])).toBeNull();
    expect(refuse(multi, { value: ["built", "built"] })).toEqual([["value", "chooseOne"]]);
    expect(refuse(multi, { value: ["x"] })[0]).toEqual(["value.0", "chooseOne"]);
  });

  it("text: trimmed and limited", () => {
    expect(accept(text, "  note ")).toBe("note");
    expect(refuse(text, { value: "x".repeat(2001) })).toEqual([["value", "tooLong"]]);
  });

  it("url: http(s) only", () => {
    expect(accept(url, " https://data.example.gov.cn/open ")).toBe("https://data.example.gov.cn/open");
    expect(refuse(url, { value: "javascript:alert(1)" })).toEqual([["value", "urlInvalid"]]);
    expect(refuse(url, { value: "not a link" })).toEqual([["value", "urlInvalid"]]);
  });
});

describe("not applicable", () => {
  it("needs a reason, and then drops the value without validating it", () => {
    expect(refuse(percent, { value: "12", notApplicable: true, notApplicableReason: "  " })).toEqual([
      ["notApplicableReason", "naReasonRequired"],
    ]);
    const result = answerSchemaFor(percent).parse({
      value: "N/A",
      notApplicable: true,
      notApplicableReason: " 本市无此类设施 ",
    });
    expect(result).toEqual({ value: null, notApplicableReason: "本市无此类设施" });
  });

  it("counts as answered, like a value; an empty answer does not", () => {
    expect(isAnswered({ value: null, notApplicableReason: "reason" })).toBe(true);
    expect(isAnswered({ value: 0, notApplicableReason: null })).toBe(true);
    expect(isAnswered({ value: false, notApplicableReason: null })).toBe(true);
    expect(isAnswered({ value: null, notApplicableReason: null })).toBe(false);
    expect(isAnswered(undefined)).toBe(false);
  });
});
