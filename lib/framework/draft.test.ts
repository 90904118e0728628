import { describe, expect, it } from "vitest";
import { loadFrameworkFile } from "@/db/data-files";
import {
  allCodes,
  draftItemPreview,
  draftToFile,
  fileToDraft,
  newIndicator,
  newItem,
  newModule,
  withRule,
  withType,
} from "./draft";
import { starterFramework } from "./starter";
import { validateFramework } from "./validate";

describe("framework draft", () => {
  it("turns the 2019 framework into a draft and back without a change", () => {
    const fw = loadFrameworkFile(2019);
    const back = validateFramework(draftToFile(fileToDraft(fw)));
    expect(back).toEqual({ ok: true, framework: fw });
  });

  it("keeps single-choice fractions with their options when an option value is renamed", () => {
    const draft = fileToDraft(starterFramework(2020));
    const item = withType(draft.modules[0]!.indicators[0]!.items[0]!, "single");
    item.options[0]!.value = "yes";
    item.options[0]!.fraction = "0.8";
    draft.modules[0]!.indicators[0]!.items[0] = item;
    const result = validateFramework(draftToFile(draft));
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.framework.modules[0]!.indicators[0]!.items[0]!.rule).toEqual({
      kind: "single",
      fractions: { yes: 0.8, b: 0 },
    });
  });

  it("reports a half-typed number by field, blank optional limits as not set, and wrong sums by code", () => {
    const draft = fileToDraft(starterFramework(2020));
    const item = withType(draft.modules[0]!.indicators[0]!.items[0]!, "number");
    item.min = "";
    item.hi = "abc";
    draft.modules[0]!.indicators[0]!.items[0] = item;
    const result = validateFramework(draftToFile(draft));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([{ at: "A1.1", key: "notANumber", params: { column: "rule.hi", value: "abc" } }]);
    item.hi = " ";
    const blank = validateFramework(draftToFile(draft));
    expect(blank.ok ? [] : blank.problems).toEqual([
      { at: "A1.1", key: "missingValue", params: { column: "rule.hi" } },
    ]);

    item.hi = "100";
    item.points = "90";
    const sums = validateFramework(draftToFile(draft));
    expect(sums.ok ? [] : sums.problems.map((p) => `${p.at}:${p.key}`)).toEqual(["A1:itemsSum"]);
    expect(draftItemPreview(item)).toMatchObject({
      code: "A1.1",
      rule: { kind: "linear", lo: 0, hi: 100 },
      points: 90,
    });
    item.points = "9x";
    expect(draftItemPreview(item)).toBeNull();
  });

  it("adds modules, indicators and items with unused nested codes that keep the framework valid", () => {
    const draft = fileToDraft(starterFramework(2020));
    const mod = draft.modules[0]!;
    mod.indicators[0]!.items.push(newItem("A1", mod.indicators[0]!.items));
    mod.indicators.push(newIndicator("A", mod.indicators));
    draft.modules.push(newModule(draft));
    expect(allCodes(draft)).toEqual(["A", "A1", "A1.1", "A1.2", "A2", "A2.1", "B", "B1", "B1.1"]);
    expect(validateFramework(draftToFile(draft)).ok).toBe(true);
  });

  it("gives a changed type or rule a rule that fits with starting parameters", () => {
    const item = fileToDraft(starterFramework(2020)).modules[0]!.indicators[0]!.items[0]!;
    expect(withType(item, "number")).toMatchObject({ ruleKind: "linear", lo: "0", hi: "100", options: [] });
    expect(withType(item, "multi")).toMatchObject({
      ruleKind: "multi",
      pointsEach: "0.5",
      options: [{ value: "a" }, { value: "b" }],
    });
    expect(withType(item, "text")).toMatchObject({ ruleKind: "none", points: "0" });
    expect(withRule(withType(item, "number"), "bands").bands).toEqual([{ op: ">=", value: "1", fraction: "1" }]);
    const multi = withType(item, "multi");
    multi.options = multi.options.map((o) => ({ ...o, fraction: "" }));
    expect(withType(multi, "single").options.map((o) => o.fraction)).toEqual(["0", "0"]);
  });
});
