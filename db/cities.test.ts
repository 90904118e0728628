import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createCity, getCityByCode, setParticipation, updateCity } from "./cities";
import { cloneRound } from "./rounds";
import { roundCities } from "./schema";
import { seedBase } from "./seed";
import { createTestDb } from "./test-db";

const details = { nameZh: "雄安", nameEn: "Xiong'an", provinceZh: "河北", provinceEn: "Hebei", region: "north" as const, tier: "prefecture" as const, confirmed: false };
const xiongan = { code: "xiongan", ...details };

describe("cities", () => {
  it("adds a city with a new code and edits it", () => {
    const db = createTestDb();
    seedBase(db);
    const created = createCity(db, null, xiongan);
    expect(created.ok).toBe(true);
    expect(createCity(db, null, xiongan)).toEqual({ ok: false, reason: "cityCodeTaken" });
    const id = getCityByCode(db, "xiongan")!.id;
    expect(updateCity(db, null, id, { ...details, nameEn: "Xiongan New Area" })).toEqual({ ok: true });
    expect(getCityByCode(db, "xiongan")!.nameEn).toBe("Xiongan New Area");
    expect(updateCity(db, null, 999_999, details)).toEqual({ ok: false, reason: "notFound" });
  });

  it("sets the participating cities of a draft round only", () => {
    const db = createTestDb();
    const { roundId } = seedBase(db);
    const clone = cloneRound(db, null, roundId, { name: "2020", year: 2020 });
    if (!clone.ok) throw new Error("clone");
    const ids = ["beijing", "shanghai", "lhasa"].map((c) => getCityByCode(db, c)!.id);
    expect(setParticipation(db, null, clone.id, [...ids, ids[0]!, 999_999])).toEqual({ ok: true });
    expect(db.select().from(roundCities).where(eq(roundCities.roundId, clone.id)).all().map((r) => r.cityId).sort()).toEqual([...ids].sort());
    expect(setParticipation(db, null, roundId, ids)).toEqual({ ok: false, reason: "wrongState" });
  });
});
