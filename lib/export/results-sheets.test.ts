import { describe, expect, it } from "vitest";
import { cityHeader, cityRow, itemRow, type SheetTexts } from "./results-sheets";

const texts: SheetTexts = {
  locale: "zh-CN",
  t: (key) => `[${key}]`,
  region: (key) => `region:${key}`,
  tier: (key) => `tier:${key}`,
  status: (key) => `status:${key}`,
  hasStatus: (key) => key === "verified",
  decided: (action) => `decided:${action}`,
  judgement: (j) => `judgement:${j}`,
  values: { yes: "是", no: "否", empty: "", notApplicable: "不适用" },
};
const modules = [{ code: "B", nameZh: "智慧基础", nameEn: "Smart foundation" }];

describe("the rows of a round's exports", () => {
  it("writes a city's points as numbers of points, and names a city that took no part", () => {
    expect(cityHeader(texts, modules)).toEqual([
      "[rank]",
      "[city]",
      "[region]",
      "[tier]",
      "[total]",
      "B 智慧基础",
      "[notSubmitted]",
    ]);
    const city = { nameZh: "南京", nameEn: "Nanjing", region: "east", tier: "sub_provincial", modules: { B: 1234 } };
    expect(cityRow(texts, modules, { ...city, rank: 3, total: 6350, notSubmitted: false, absent: false })).toEqual([
      3,
      "南京",
      "region:east",
      "tier:sub_provincial",
      63.5,
      12.34,
      "",
    ]);
    expect(cityRow(texts, modules, { ...city, rank: null, total: 0, notSubmitted: true, absent: true })[0]).toBe(
      "[absent]",
    );
  });

  it("shows an adjusted item on the reviewer's value with every stage's decision and reason", () => {
    const row = itemRow(texts, {
      city: { nameZh: "南京", nameEn: "Nanjing" },
      item: {
        code: "B1.1",
        nameZh: "光纤覆盖率",
        nameEn: "Fibre",
        answerType: "number",
        options: null,
        unitZh: "%",
        unitEn: "%",
        maxPoints: 200,
      },
      result: {
        code: "B1.1",
        points: 100,
        submittedValue: 80,
        verifiedValue: 50,
        reviewStatus: "verified",
        notSubmitted: false,
      },
      notApplicableReason: null,
      decisions: [
        {
          stageNameZh: "初审",
          stageNameEn: "First",
          reviewerName: "李四",
          action: "adjust",
          adjustedValue: 50,
          comment: "按公报",
        },
        {
          stageNameZh: "复审",
          stageNameEn: "Final",
          reviewerName: "王五",
          action: "accept",
          adjustedValue: null,
          comment: null,
        },
      ],
    });
    expect(row).toEqual([
      "南京",
      "B1.1",
      "光纤覆盖率",
      "80 %",
      "50 %",
      1,
      2,
      "status:verified",
      "初审 李四：decided:adjust 50 %（按公报）；复审 王五：decided:accept",
    ]);
  });
});
