import type { FrameworkFile } from "./schema";

/**
 * The smallest valid framework: one module, one indicator, one yes/no item worth all 100 points.
 * A round created from scratch starts with it, so the editor always has something valid to grow from.
 */
export function starterFramework(year: number): FrameworkFile {
  return {
    year,
    name: { zh: `${year} 评估指标体系`, en: `${year} indicator framework` },
    total: 100,
    rules: [],
    modules: [
      {
        code: "A",
        name: { zh: "新模块", en: "New module" },
        points: 100,
        indicators: [
          {
            code: "A1",
            name: { zh: "新指标", en: "New indicator" },
            points: 100,
            proposed: false,
            items: [
              {
                code: "A1.1",
                name: { zh: "新指标项", en: "New item" },
                type: "boolean",
                required: true,
                rule: { kind: "boolean" },
                points: 100,
                evidence: { kinds: ["DOC"], required: false },
              },
            ],
          },
        ],
      },
    ],
  };
}
