/**
 * Validation rules across items of a framework (框架校验规则): a small expression over item codes, e.g.
 * `G1.2 <= G1.1`, `B1.1 + B1.2 == B1.3`, `B2.2 == 0 or B2.1`. jsep parses it (no eval anywhere); this file
 * type-checks the tree against the items and evaluates it on answers. A rule is `warn` (shown) or `block`
 * (submitting waits until it holds). A rule with an item unanswered or not applicable does not apply yet.
 *
 * Grammar: numbers, true/false, item codes (number or yes/no items of one module), + - * /, comparisons
 * < <= > >= == != (== with a relative tolerance of 1e-9), and / or / not (also && || !), parentheses.
 */
import jsep from "jsep";

jsep.addBinaryOp("and", 2);
jsep.addBinaryOp("or", 1);
jsep.addUnaryOp("not");
// Not part of the language: jsep's extras that have no meaning here are refused by the type check.

export type RuleLevel = "warn" | "block";
export type ValidationRule = {
  code: string;
  expr: string;
  level: RuleLevel;
  message: { zh: string; en: string };
};

export type RuleItem = { code: string; type: string; module: string };

type Node =
  | { kind: "num"; value: number }
  | { kind: "bool"; value: boolean }
  | { kind: "item"; code: string; type: "number" | "boolean" }
  | { kind: "neg" | "not"; arg: Node }
  | { kind: "arith"; op: "+" | "-" | "*" | "/"; left: Node; right: Node }
  | { kind: "cmp"; op: "<" | "<=" | ">" | ">=" | "==" | "!="; left: Node; right: Node }
  | { kind: "logic"; op: "and" | "or"; left: Node; right: Node };

export type CompiledRule = ValidationRule & { tree: Node; items: string[]; module: string };

/** What is wrong with a rule, as a message key of "rules.problems" with its values. */
export type RuleProblem = { key: string; values?: Record<string, string | number> };

// Item codes (B1.2, Q1.10 …) are not identifiers to jsep: each becomes one of the same length (B1_2) before
// parsing, so that the position of a syntax error is the position in what the author wrote.
const CODE = /(?<![\w.])([A-Z][A-Z0-9]*\d*(?:\.\d+)+)(?![\w.])/g;
const toIdentifier = (code: string) => code.replaceAll(".", "_");

type Typed = { node: Node; type: "number" | "boolean" };

/** Parses and type-checks a rule against the framework's items; every problem is named. */
export function compileRule(
  rule: ValidationRule,
  items: readonly RuleItem[],
): { ok: true; rule: CompiledRule } | { ok: false; problem: RuleProblem } {
  const byIdentifier = new Map(items.map((i) => [toIdentifier(i.code), i]));
  let tree: jsep.Expression;
  try {
    if (rule.expr.length > 500) return { ok: false, problem: { key: "tooLong" } };
    tree = jsep(rule.expr.replace(CODE, (_, code: string) => toIdentifier(code)));
  } catch (e) {
    const index = (e as { index?: number }).index;
    return { ok: false, problem: { key: "syntax", values: { at: (index ?? 0) + 1 } } };
  }
  const used = new Set<RuleItem>();
  const check = (n: jsep.Expression): Typed | RuleProblem => {
    switch (n.type) {
      case "Literal": {
        const v = (n as jsep.Literal).value;
        if (typeof v === "number" && Number.isFinite(v)) return { node: { kind: "num", value: v }, type: "number" };
        if (typeof v === "boolean") return { node: { kind: "bool", value: v }, type: "boolean" };
        return { key: "unsupported", values: { what: String((n as jsep.Literal).raw) } };
      }
      case "Identifier": {
        const name = (n as jsep.Identifier).name;
        if (name === "true" || name === "false")
          return { node: { kind: "bool", value: name === "true" }, type: "boolean" };
        const item = byIdentifier.get(name);
        if (!item) return { key: "unknownItem", values: { code: name.replaceAll("_", ".") } };
        if (item.type !== "number" && item.type !== "boolean") return { key: "itemType", values: { code: item.code } };
        used.add(item);
        return { node: { kind: "item", code: item.code, type: item.type }, type: item.type };
      }
      case "UnaryExpression": {
        const u = n as jsep.UnaryExpression;
        const arg = check(u.argument);
        if ("key" in arg) return arg;
        if (u.operator === "-" && arg.type === "number")
          return { node: { kind: "neg", arg: arg.node }, type: "number" };
        if ((u.operator === "!" || u.operator === "not") && arg.type === "boolean")
          return { node: { kind: "not", arg: arg.node }, type: "boolean" };
        return { key: "operandType", values: { op: u.operator } };
      }
      case "BinaryExpression": {
        const b = n as jsep.BinaryExpression;
        const left = check(b.left);
        if ("key" in left) return left;
        const right = check(b.right);
        if ("key" in right) return right;
        const op = b.operator === "&&" ? "and" : b.operator === "||" ? "or" : b.operator;
        if (op === "+" || op === "-" || op === "*" || op === "/") {
          if (left.type !== "number" || right.type !== "number") return { key: "operandType", values: { op } };
          return { node: { kind: "arith", op, left: left.node, right: right.node }, type: "number" };
        }
        if (op === "<" || op === "<=" || op === ">" || op === ">=") {
          if (left.type !== "number" || right.type !== "number") return { key: "operandType", values: { op } };
          return { node: { kind: "cmp", op, left: left.node, right: right.node }, type: "boolean" };
        }
        if (op === "==" || op === "!=") {
          if (left.type !== right.type) return { key: "operandType", values: { op } };
          return { node: { kind: "cmp", op, left: left.node, right: right.node }, type: "boolean" };
        }
        if (op === "and" || op === "or") {
          if (left.type !== "boolean" || right.type !== "boolean") return { key: "operandType", values: { op } };
          return { node: { kind: "logic", op, left: left.node, right: right.node }, type: "boolean" };
        }
        return { key: "unsupported", values: { what: b.operator } };
      }
      default:
        return { key: "unsupported", values: { what: n.type } };
    }
  };
  const typed = check(tree);
  if ("key" in typed) return { ok: false, problem: typed };
  if (typed.type !== "boolean") return { ok: false, problem: { key: "notACondition" } };
  if (!used.size) return { ok: false, problem: { key: "noItem" } };
  const modules = new Set([...used].map((i) => i.module));
  if (modules.size > 1) return { ok: false, problem: { key: "spansModules" } };
  return {
    ok: true,
    rule: { ...rule, tree: typed.node, items: [...used].map((i) => i.code), module: [...modules][0]! },
  };
}

/** An answer as rules see it: its value, or null when unanswered or not applicable. */
export type RuleValues = Record<string, unknown>;

const NOT_APPLICABLE = Symbol("not applicable");
type Value = number | boolean | typeof NOT_APPLICABLE;

function evaluate(node: Node, values: RuleValues): Value {
  switch (node.kind) {
    case "num":
    case "bool":
      return node.value;
    case "item": {
      const v = values[node.code];
      if (node.type === "number") return typeof v === "number" && Number.isFinite(v) ? v : NOT_APPLICABLE;
      return typeof v === "boolean" ? v : NOT_APPLICABLE;
    }
    case "neg": {
      const v = evaluate(node.arg, values);
      return v === NOT_APPLICABLE ? v : -(v as number);
    }
    case "not": {
      const v = evaluate(node.arg, values);
      return v === NOT_APPLICABLE ? v : !v;
    }
    case "logic": {
      // or/and decide as soon as one side does, even with the other side not answered yet.
      const l = evaluate(node.left, values);
      const r = evaluate(node.right, values);
      if (node.op === "or") {
        if (l === true || r === true) return true;
        return l === NOT_APPLICABLE || r === NOT_APPLICABLE ? NOT_APPLICABLE : false;
      }
      if (l === false || r === false) return false;
      return l === NOT_APPLICABLE || r === NOT_APPLICABLE ? NOT_APPLICABLE : true;
    }
    case "arith": {
      const l = evaluate(node.left, values);
      const r = evaluate(node.right, values);
      if (l === NOT_APPLICABLE || r === NOT_APPLICABLE) return NOT_APPLICABLE;
      const [a, b] = [l as number, r as number];
      if (node.op === "/") return b === 0 ? NOT_APPLICABLE : a / b;
      return node.op === "+" ? a + b : node.op === "-" ? a - b : a * b;
    }
    case "cmp": {
      const l = evaluate(node.left, values);
      const r = evaluate(node.right, values);
      if (l === NOT_APPLICABLE || r === NOT_APPLICABLE) return NOT_APPLICABLE;
      if (typeof l === "boolean" || typeof r === "boolean")
        return node.op === "==" ? l === r : node.op === "!=" ? l !== r : NOT_APPLICABLE;
      const equal = Math.abs(l - r) <= 1e-9 * Math.max(1, Math.abs(l), Math.abs(r));
      switch (node.op) {
        case "==":
          return equal;
        case "!=":
          return !equal;
        case "<":
          return l < r && !equal;
        case "<=":
          return l <= r || equal;
        case ">":
          return l > r && !equal;
        case ">=":
          return l >= r || equal;
      }
    }
  }
}

/** Whether a rule holds (true), is broken (false) or does not apply yet (null: an item unanswered or N/A). */
export function ruleHolds(rule: CompiledRule, values: RuleValues): boolean | null {
  const result = evaluate(rule.tree, values);
  return result === NOT_APPLICABLE ? null : (result as boolean);
}

/** The values rules see from stored answers: an answer's value, or null when not applicable. */
export function ruleValuesOf(
  answers: { code: string; value: unknown; notApplicableReason: string | null }[],
): RuleValues {
  return Object.fromEntries(answers.map((a) => [a.code, a.notApplicableReason ? null : a.value]));
}

/** The broken rules among these, for these values. */
export function brokenRules(rules: readonly CompiledRule[], values: RuleValues): CompiledRule[] {
  return rules.filter((r) => ruleHolds(r, values) === false);
}

/** Compiles every rule of a framework; the problems by rule code (also a duplicate code). */
export function compileRules(
  rules: readonly ValidationRule[],
  items: readonly RuleItem[],
): { rules: CompiledRule[]; problems: { code: string; problem: RuleProblem }[] } {
  const compiled: CompiledRule[] = [];
  const problems: { code: string; problem: RuleProblem }[] = [];
  const seen = new Set<string>();
  for (const rule of rules) {
    if (seen.has(rule.code)) {
      problems.push({ code: rule.code, problem: { key: "duplicateCode" } });
      continue;
    }
    seen.add(rule.code);
    const result = compileRule(rule, items);
    if (result.ok) compiled.push(result.rule);
    else problems.push({ code: rule.code, problem: result.problem });
  }
  return { rules: compiled, problems };
}
