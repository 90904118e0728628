import { describe, expect, it } from "vitest";
import { loadFrameworkFile } from "@/db/data-files";
import { frameworkRevision } from "./revision";
import type { FrameworkFile } from "./schema";

describe("frameworkRevision", () => {
  it("changes with the content, not with key order, the name or the year", () => {
    const fw = loadFrameworkFile(2019);
    const reordered = JSON.parse(JSON.stringify({ modules: fw.modules, total: fw.total }));
    expect(frameworkRevision(reordered)).toBe(frameworkRevision(fw));
    const renamed: FrameworkFile = { ...fw, year: 2020, name: { zh: "x", en: "x" } };
    expect(frameworkRevision(renamed)).toBe(frameworkRevision(fw));
    const raised = structuredClone(fw);
    raised.modules[0]!.indicators[0]!.items[0]!.points = 3;
    expect(frameworkRevision(raised)).not.toBe(frameworkRevision(fw));
  });
});
