import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { frameworkToFile, indicatorFromFile, itemFromFile, localizeItem, moduleFromFile } from "./item";
import { frameworkFileSchema } from "./schema";

const file = frameworkFileSchema.parse(JSON.parse(readFileSync("data/frameworks/2019.json", "utf8")));

describe("the framework file ⇄ the item's one set of fields", () => {
  it("maps every item of the 2019 framework and back to the same file", () => {
    const tree = file.modules.map((m) => ({
      ...moduleFromFile(m),
      indicators: m.indicators.map((i) => ({ ...indicatorFromFile(i), items: i.items.map(itemFromFile) })),
    }));
    expect(tree.flatMap((m) => m.indicators).flatMap((i) => i.items)).toHaveLength(58);
    const back = frameworkToFile(file.year, file.name.zh, tree);
    expect(back.modules).toEqual(JSON.parse(JSON.stringify(file.modules)));
    expect(back.total).toBe(file.total);
  });

  it("keeps points in hundredths and names fields as the database does", () => {
    const item = itemFromFile({
      code: "X1",
      name: { zh: "光纤入户率", en: "Fibre" },
      type: "number",
      unit: { zh: "%", en: "%" },
      min: 0,
      max: 100,
      decimals: 1,
      required: true,
      rule: { kind: "linear", lo: 0, hi: 100 },
      points: 0.29,
      evidence: { kinds: ["SG"], required: true },
    });
    // 0.29 × 100 is 28.999999999999996 in binary: rounded, never truncated
    expect(item).toMatchObject({ maxPoints: 29, minValue: 0, maxValue: 100, answerType: "number", helpZh: null });
    expect(item.scoringRule).toEqual({ kind: "linear", lo: 0, hi: 100 });
  });

  it("renders an item in the reader's language with only its own fields", () => {
    const row = {
      ...itemFromFile(file.modules[0]!.indicators[0]!.items[0]!),
      id: 7,
      roundId: 1,
      indicatorId: 2,
      position: 1,
    };
    const en = localizeItem(row, "en");
    expect(en.name).toBe(row.nameEn);
    expect(localizeItem(row, "zh-CN").name).toBe(row.nameZh);
    expect(Object.keys(en)).not.toContain("roundId");
    expect(en).toMatchObject({ id: 7, scoringRule: row.scoringRule, maxPoints: row.maxPoints });
  });
});
