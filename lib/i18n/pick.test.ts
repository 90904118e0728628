import { describe, expect, it } from "vitest";
import { formatPoints, localParams, pick } from "./pick";

describe("pick, formatPoints, localParams", () => {
  it("chooses the reader's language", () => {
    expect(pick("zh-CN", "上海", "Shanghai")).toBe("上海");
    expect(pick("en", "上海", "Shanghai")).toBe("Shanghai");
  });

  it("shows hundredths as points", () => {
    expect(formatPoints(925)).toBe("9.25");
    expect(formatPoints(1000)).toBe("10");
    expect(formatPoints(0)).toBe("0");
  });

  it("keeps plain parameters and picks the bilingual ones", () => {
    const params = {
      cityZh: "南京",
      cityEn: "Nanjing",
      moduleZh: "智慧基础",
      moduleEn: "Smart Foundation",
      version: 2,
    };
    expect(localParams(params, "zh-CN")).toEqual({ city: "南京", module: "智慧基础", version: 2 });
    expect(localParams(params, "en")).toEqual({ city: "Nanjing", module: "Smart Foundation", version: 2 });
  });
});
