import { describe, expect, it } from "vitest";
import { brokenRules, compileRule, compileRules, ruleHolds, type ValidationRule } from "./rules";

const items = [
  { code: "G1.1", type: "number", module: "G" },
  { code: "G1.2", type: "number", module: "G" },
  { code: "G1.3", type: "number", module: "G" },
  { code: "G2.1", type: "boolean", module: "G" },
  { code: "G2.3", type: "single", module: "G" },
  { code: "B1.1", type: "number", module: "B" },
];
const rule = (expr: string, level: "warn" | "block" = "block"): ValidationRule => ({
  code: "R1",
  expr,
  level,
  message: { zh: "规则", en: "rule" },
});
const compiled = (expr: string) => {
  const result = compileRule(rule(expr), items);
  if (!result.ok) throw new Error(JSON.stringify(result.problem));
  return result.rule;
};

describe("validation rules", () => {
  it("compares two items (a part is at most its whole)", () => {
    const r = compiled("G1.2 <= G1.1");
    expect(r.items.sort()).toEqual(["G1.1", "G1.2"]);
    expect(r.module).toBe("G");
    expect(ruleHolds(r, { "G1.1": 80, "G1.2": 60 })).toBe(true);
    expect(ruleHolds(r, { "G1.1": 80, "G1.2": 80 })).toBe(true);
    expect(ruleHolds(r, { "G1.1": 60, "G1.2": 80 })).toBe(false);
    // Not answered (or not applicable): the rule does not apply yet.
    expect(ruleHolds(r, { "G1.1": 60 })).toBeNull();
    expect(ruleHolds(r, { "G1.1": 60, "G1.2": null })).toBeNull();
  });

  it("bounds a share computed from items (a share ≤ 100)", () => {
    const r = compiled("G1.2 / G1.1 * 100 <= 100");
    expect(ruleHolds(r, { "G1.1": 40, "G1.2": 40 })).toBe(true);
    expect(ruleHolds(r, { "G1.1": 40, "G1.2": 41 })).toBe(false);
    // Dividing by zero is not a verdict.
    expect(ruleHolds(r, { "G1.1": 0, "G1.2": 1 })).toBeNull();
  });

  it("checks that parts sum to a total, with a tolerance for decimals", () => {
    const r = compiled("G1.1 + G1.2 == G1.3");
    expect(ruleHolds(r, { "G1.1": 0.1, "G1.2": 0.2, "G1.3": 0.3 })).toBe(true);
    expect(ruleHolds(r, { "G1.1": 1, "G1.2": 2, "G1.3": 4 })).toBe(false);
  });

  it("combines conditions with and / or / not, and yes/no items", () => {
    const r = compiled("G1.1 == 0 or G2.1");
    expect(ruleHolds(r, { "G1.1": 0 })).toBe(true); // decided without G2.1
    expect(ruleHolds(r, { "G1.1": 5, "G2.1": true })).toBe(true);
    expect(ruleHolds(r, { "G1.1": 5, "G2.1": false })).toBe(false);
    expect(ruleHolds(compiled("not G2.1 && G1.1 > 0"), { "G1.1": 1, "G2.1": false })).toBe(true);
    expect(ruleHolds(compiled("-G1.1 < 0"), { "G1.1": 1 })).toBe(true);
  });

  it("refuses what it cannot type-check, naming the problem", () => {
    const problem = (expr: string) => {
      const result = compileRule(rule(expr), items);
      return result.ok ? null : result.problem;
    };
    expect(problem("G1.2 <=")).toMatchObject({ key: "syntax" });
    expect(problem("G9.9 <= 1")).toEqual({ key: "unknownItem", values: { code: "G9.9" } });
    expect(problem("G2.3 == 1")).toEqual({ key: "itemType", values: { code: "G2.3" } });
    expect(problem("G1.1 + G2.1 > 0")).toEqual({ key: "operandType", values: { op: "+" } });
    expect(problem("G1.1 + 1")).toEqual({ key: "notACondition" });
    expect(problem("1 < 2")).toEqual({ key: "noItem" });
    expect(problem("G1.1 <= B1.1")).toEqual({ key: "spansModules" });
    expect(problem("G1.1 < 'x'")).toMatchObject({ key: "unsupported" });
    expect(problem("constructor.prototype")).toMatchObject({ key: "unsupported" });
    expect(problem("alert(G1.1)")).toMatchObject({ key: "unsupported" });
    expect(problem("G1.1 ? 1 : 2")).toMatchObject({ key: "unsupported" });
    expect(problem("x".repeat(600))).toEqual({ key: "tooLong" });
  });

  it("lists the broken rules of a set, and refuses a duplicate code", () => {
    const { rules, problems } = compileRules(
      [rule("G1.2 <= G1.1"), { ...rule("G1.3 >= G1.2", "warn"), code: "R2" }, rule("G1.1 >= 0")],
      items,
    );
    expect(problems).toEqual([{ code: "R1", problem: { key: "duplicateCode" } }]);
    expect(brokenRules(rules, { "G1.1": 50, "G1.2": 60, "G1.3": 10 }).map((r) => r.code)).toEqual(["R1", "R2"]);
  });
});
