import { describe, expect, it } from "vitest";
import { loadFrameworkFile } from "@/db/data-files";
import { frameworkRevision } from "./revision";
import type { FrameworkFile } from "./schema";

describe("frameworkRevision", () => {
  it("changes with the content, not with key order, the name or the year", () => {
    const fw = loadFrameworkFile(2019);
    const reordered = JSON.parse(JSON.stringify({ rules: fw.rules, modules: fw.modules, total: fw.total }));
    expect(frameworkRevision(reordered)).toBe(frameworkRevision(fw));
    const renamed: FrameworkFile = { ...fw, year: 2020, name: { zh: "x", en: "x" } };
    expect(frameworkRevision(renamed)).toBe(frameworkRevision(fw));
    const raised = structuredClone(fw);
    raised.modules[0]!.indicators[0]!.items[0]!.points = 3;
    expect(frameworkRevision(raised)).not.toBe(frameworkRevision(fw));
    // A change of a validation rule alone is a change too; a framework without rules keeps its old fingerprint.
    const ruled = structuredClone(fw);
    ruled.rules[0]!.expr = "G1.2 < G1.1";
    expect(frameworkRevision(ruled)).not.toBe(frameworkRevision(fw));
    expect(frameworkRevision({ ...fw, rules: [] })).toBe(frameworkRevision({ total: fw.total, modules: fw.modules }));
  });
});
