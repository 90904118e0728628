import { describe, expect, it } from "vitest";
import { localParams, pick } from "./pick";
import { formatPercent, formatPoints } from "./points";

describe("pick, formatPoints, formatPercent, localParams", () => {
  it("chooses the reader's language", () => {
    expect(pick("zh-CN", "上海", "Shanghai")).toBe("上海");
    expect(pick("en", "上海", "Shanghai")).toBe("Shanghai");
  });

  it("shows hundredths as points with two decimals in the reader's locale", () => {
    expect(formatPoints(925, "zh-CN")).toBe("9.25");
    expect(formatPoints(1000, "en")).toBe("10.00");
    expect(formatPoints(0, "zh-CN")).toBe("0.00");
    expect(formatPoints(123456, "en")).toBe("1,234.56");
    // an average of hundredths is rounded once, here, half away from zero on the decimal value
    expect(formatPoints(5403.5, "zh-CN")).toBe("54.04");
    expect(formatPoints(1234.5678, "en", 4)).toBe("12.3457");
    expect(formatPoints(100, "de")).toBe("1,00");
  });

  it("shows a share as a percentage with two decimals", () => {
    expect(formatPercent(0.5994, "zh-CN")).toBe("59.94%");
    expect(formatPercent(1, "en")).toBe("100.00%");
  });

  it("formats stored hundredths in the reader's locale", () => {
    expect(localParams({ pointsHundredths: 6350, rank: 3 }, "en")).toEqual({ points: "63.50", rank: 3 });
    // notifications stored before points were kept as hundredths still read as they were written
    expect(localParams({ points: "63.5" }, "zh-CN")).toEqual({ points: "63.5" });
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
