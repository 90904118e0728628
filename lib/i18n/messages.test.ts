import { describe, expect, it } from "vitest";
import type { FrameworkProblemKey } from "@/lib/framework/validate";
import type { WorkbookProblemKey } from "@/lib/framework/workbook";
import en from "@/messages/en.json";
import zh from "@/messages/zh-CN.json";

function keys(messages: object, prefix = ""): string[] {
  return Object.entries(messages).flatMap(([key, value]) =>
    typeof value === "object" && value !== null ? keys(value as object, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

describe("message catalogues", () => {
  it("zh-CN and en have exactly the same keys", () => {
    expect(keys(en).sort()).toEqual(keys(zh).sort());
  });

  it("no message is empty", () => {
    for (const catalogue of [en, zh]) {
      for (const key of keys(catalogue)) {
        const value = key
          .split(".")
          .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], catalogue);
        expect(String(value).trim(), key).not.toBe("");
      }
    }
  });

  it("translate every framework problem", () => {
    const problemKeys: Record<FrameworkProblemKey | WorkbookProblemKey, true> = {
      invalidShape: true,
      duplicateCode: true,
      codeNotNested: true,
      pointsPrecision: true,
      modulesSum: true,
      indicatorsSum: true,
      itemsSum: true,
      ruleNotForType: true,
      linearRange: true,
      bandsOrder: true,
      singleFractions: true,
      optionsMissing: true,
      optionsNotAllowed: true,
      duplicateOption: true,
      optionValueInvalid: true,
      minAboveMax: true,
      unitNotAllowed: true,
      unscoredWithPoints: true,
      missingSheet: true,
      missingColumn: true,
      missingValue: true,
      notANumber: true,
      notABoolean: true,
      unknownType: true,
      unknownRule: true,
      unknownEvidenceKind: true,
      badOptions: true,
      badRuleParams: true,
      unexpectedRuleParams: true,
      conflictingValue: true,
      noItems: true,
      ruleInvalid: true,
    };
    expect(Object.keys(zh.frameworkProblems).sort()).toEqual(Object.keys(problemKeys).sort());
  });
});
