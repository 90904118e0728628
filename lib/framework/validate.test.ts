import fs from "node:fs";
import { describe, expect, it } from "vitest";
import type { FrameworkFile } from "./schema";
import { validateFramework } from "./validate";

const file2019 = JSON.parse(fs.readFileSync("data/frameworks/2019.json", "utf8")) as FrameworkFile;

/** A deep copy of the 2019 framework, changed by `edit`. */
function variant(edit: (fw: FrameworkFile) => void): unknown {
  const copy = structuredClone(file2019);
  edit(copy);
  return copy;
}

function item(fw: FrameworkFile, code: string) {
  const found = fw.modules
    .flatMap((m) => m.indicators)
    .flatMap((i) => i.items)
    .find((i) => i.code === code);
  if (!found) throw new Error(code);
  return found;
}

function problemsOf(input: unknown) {
  const result = validateFramework(input);
  if (result.ok) throw new Error("expected the framework to be refused");
  return result.problems;
}

describe("the 2019 framework file", () => {
  it("is valid, with 5 modules, 18 indicators and 58 items worth 100 points", () => {
    const result = validateFramework(file2019);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { modules } = result.framework;
    expect(modules.map((m) => [m.code, m.points])).toEqual([
      ["B", 20],
      ["G", 25],
      ["P", 25],
      ["E", 15],
      ["I", 15],
    ]);
    expect(modules.flatMap((m) => m.indicators)).toHaveLength(18);
    expect(modules.map((m) => m.indicators.flatMap((i) => i.items).length)).toEqual([12, 13, 15, 9, 9]);
  });

  it("uses every answer type except text and every rule kind except none", () => {
    const items = file2019.modules.flatMap((m) => m.indicators).flatMap((i) => i.items);
    expect(new Set(items.map((i) => i.type))).toEqual(new Set(["number", "boolean", "single", "multi", "url"]));
    expect(new Set(items.map((i) => i.rule.kind))).toEqual(
      new Set(["linear", "bands", "boolean", "single", "multi", "url"]),
    );
  });

  it("names the two published indicators as published and the others as proposed", () => {
    const published = file2019.modules
      .flatMap((m) => m.indicators)
      .filter((i) => !i.proposed)
      .map((i) => i.name.zh);
    expect(published).toEqual(["云平台建设应用", "数据融合共享"]);
  });
});

describe("validateFramework refuses a broken file and names the offending code", () => {
  it("a missing field, located by the nearest code", () => {
    const problems = problemsOf(variant((fw) => delete (item(fw, "B1.2") as Partial<ReturnType<typeof item>>).rule));
    expect(problems).toContainEqual({ at: "B1.2", key: "missingValue", params: { column: "rule" } });
  });

  it("an unknown answer type", () => {
    const problems = problemsOf(variant((fw) => ((item(fw, "G1.1") as { type: string }).type = "percent")));
    expect(problems[0]).toMatchObject({ at: "G1.1", key: "invalidShape" });
  });

  it("a duplicate item code", () => {
    const problems = problemsOf(variant((fw) => (item(fw, "B1.3").code = "B1.2")));
    expect(problems).toContainEqual({ at: "B1.2", key: "duplicateCode" });
  });

  it("a duplicate module code", () => {
    const problems = problemsOf(variant((fw) => (fw.modules[1]!.code = "B")));
    expect(problems).toContainEqual({ at: "B", key: "duplicateCode" });
  });

  it("an item code outside its indicator", () => {
    const problems = problemsOf(variant((fw) => (item(fw, "B1.3").code = "B2.9")));
    expect(problems).toContainEqual({ at: "B2.9", key: "codeNotNested", params: { parent: "B1" } });
  });

  it("item points that do not add up to the indicator", () => {
    const problems = problemsOf(variant((fw) => (item(fw, "B1.1").points = 2.5)));
    expect(problems).toContainEqual({ at: "B1", key: "itemsSum", params: { expected: 5, actual: "5.5" } });
  });

  it("indicator points that do not add up to the module", () => {
    const problems = problemsOf(
      variant((fw) => {
        fw.modules[0]!.indicators[0]!.points = 6;
        item(fw, "B1.1").points = 3;
      }),
    );
    expect(problems).toEqual([{ at: "B", key: "indicatorsSum", params: { expected: 20, actual: "21" } }]);
  });

  it("module points that do not add up to the total", () => {
    const problems = problemsOf(variant((fw) => (fw.total = 105)));
    expect(problems).toEqual([{ at: "total", key: "modulesSum", params: { expected: 105, actual: "100" } }]);
  });

  it("points with more than two decimals", () => {
    const problems = problemsOf(variant((fw) => (item(fw, "B1.2").points = 1.505)));
    expect(problems).toContainEqual({ at: "B1.2", key: "pointsPrecision", params: { value: 1.505 } });
  });

  it("a rule that does not fit the answer type", () => {
    const problems = problemsOf(variant((fw) => (item(fw, "B2.1").rule = { kind: "linear", lo: 0, hi: 1 })));
    expect(problems).toContainEqual({ at: "B2.1", key: "ruleNotForType", params: { rule: "linear", type: "boolean" } });
  });

  it("a linear rule whose lower bound is not below its upper bound", () => {
    const problems = problemsOf(variant((fw) => (item(fw, "B1.2").rule = { kind: "linear", lo: 100, hi: 60 })));
    expect(problems).toContainEqual({ at: "B1.2", key: "linearRange", params: { lo: 100, hi: 60 } });
  });

  it("bands out of order", () => {
    const problems = problemsOf(
      variant(
        (fw) =>
          (item(fw, "B1.1").rule = {
            kind: "bands",
            bands: [
              { op: ">=", value: 1, fraction: 0.5 },
              { op: ">=", value: 10, fraction: 1 },
            ],
          }),
      ),
    );
    expect(problems).toContainEqual({ at: "B1.1", key: "bandsOrder", params: { band: 2 } });
  });

  it("a band fraction above 1", () => {
    const problems = problemsOf(
      variant((fw) => (item(fw, "B1.1").rule = { kind: "bands", bands: [{ op: ">=", value: 1, fraction: 1.5 }] })),
    );
    expect(problems[0]).toMatchObject({ at: "B1.1", key: "invalidShape" });
  });

  it("a single-choice rule without a fraction for every option", () => {
    const problems = problemsOf(
      variant((fw) => (item(fw, "B2.3").rule = { kind: "single", fractions: { iaas: 0.3, paas: 0.7 } })),
    );
    expect(problems).toContainEqual(expect.objectContaining({ at: "B2.3", key: "singleFractions" }));
  });

  it("a choice item without options, and options on a number item", () => {
    const problems = problemsOf(
      variant((fw) => {
        delete item(fw, "B3.2").options;
        item(fw, "B1.2").options = [{ value: "x", label: { zh: "x", en: "x" } }];
      }),
    );
    expect(problems).toContainEqual({ at: "B3.2", key: "optionsMissing", params: { type: "multi" } });
    expect(problems).toContainEqual({ at: "B1.2", key: "optionsNotAllowed", params: { type: "number" } });
  });

  it("duplicate option values", () => {
    const problems = problemsOf(variant((fw) => (item(fw, "B3.2").options![1]!.value = "population")));
    expect(problems).toContainEqual({ at: "B3.2", key: "duplicateOption", params: { value: "population" } });
  });

  it("an option value with a separator of the workbook's options cell", () => {
    const problems = problemsOf(variant((fw) => (item(fw, "B3.2").options![1]!.value = "a|b")));
    expect(problems).toContainEqual({ at: "B3.2", key: "optionValueInvalid", params: { value: "a|b" } });
  });

  it("a minimum above the maximum, and a unit on a non-number item", () => {
    const problems = problemsOf(
      variant((fw) => {
        Object.assign(item(fw, "B1.2"), { min: 100, max: 0 });
        item(fw, "B2.1").unit = { zh: "个", en: "count" };
      }),
    );
    expect(problems).toContainEqual({ at: "B1.2", key: "minAboveMax", params: { min: 100, max: 0 } });
    expect(problems).toContainEqual({ at: "B2.1", key: "unitNotAllowed", params: { type: "boolean" } });
  });

  it("an unscored text item with points", () => {
    const problems = problemsOf(
      variant((fw) => Object.assign(item(fw, "G4.3"), { type: "text", rule: { kind: "none" } })),
    );
    expect(problems).toContainEqual({ at: "G4.3", key: "unscoredWithPoints" });
  });
});
