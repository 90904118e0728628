import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { cityFileSchema } from "./schema";

const cities = cityFileSchema.parse(JSON.parse(fs.readFileSync("data/cities.json", "utf8")));
const countBy = (key: "tier" | "region") =>
  Object.fromEntries(
    [...new Set(cities.map((c) => c[key]))].map((v) => [v, cities.filter((c) => c[key] === v).length]),
  );

describe("data/cities.json", () => {
  it("holds the 108 evaluated cities: 4 municipalities, 15 sub-provincial, 89 prefecture-level", () => {
    expect(cities).toHaveLength(108);
    expect(countBy("tier")).toEqual({ municipality: 4, sub_provincial: 15, prefecture: 89 });
  });

  it("places them in the seven regions as framework.md lists", () => {
    expect(countBy("region")).toEqual({
      east: 38,
      south: 13,
      central: 12,
      north: 14,
      northeast: 9,
      northwest: 11,
      southwest: 11,
    });
  });

  it("names the four municipalities", () => {
    expect(
      cities
        .filter((c) => c.tier === "municipality")
        .map((c) => c.nameZh)
        .sort(),
    ).toEqual(["上海", "北京", "天津", "重庆"].sort());
  });

  it("refuses a duplicate city code", () => {
    const result = cityFileSchema.safeParse([...cities, cities[0]]);
    expect(result.success).toBe(false);
  });
});
