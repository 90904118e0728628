import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { ImportedCity } from "@/lib/cities/import";
import { createCity, getCityByCode, importCities, listCities, setParticipation, updateCity } from "./cities";
import { cloneRound } from "./rounds";
import { auditLog, cities, roundCities } from "./schema";
import { seedBase } from "./seed";
import { seedSyntheticVerifiedRound } from "./synthetic";
import { createTestDb, createTestUser } from "./test-db";

const details = {
  nameZh: "雄安",
  nameEn: "Xiong'an",
  provinceZh: "河北",
  provinceEn: "Hebei",
  region: "north" as const,
  tier: "prefecture" as const,
  confirmed: false,
};
const xiongan = { code: "xiongan", ...details };
/** A city as an import file row gives it (no id, no confirmed flag). */
const importRow = ({ code, nameZh, nameEn, provinceZh, provinceEn, region, tier }: ImportedCity): ImportedCity => ({
  code,
  nameZh,
  nameEn,
  provinceZh,
  provinceEn,
  region,
  tier,
});

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

  it("lists the cities people work with, not the made-up ones of a measurement", () => {
    const db = createTestDb();
    seedBase(db);
    const real = listCities(db).length;
    seedSyntheticVerifiedRound(db, real + 3, "合成轮次");
    expect(listCities(db)).toHaveLength(real);
    expect(listCities(db, { includeSynthetic: true })).toHaveLength(real + 3);
    expect(listCities(db).some((c) => c.synthetic)).toBe(false);
  }, 30_000); // a verified round of 111 cities: 2 s alone, several times that while the machine builds

  it("sets the participating cities of a draft round only", () => {
    const db = createTestDb();
    const { roundId } = seedBase(db);
    const clone = cloneRound(db, null, roundId, { name: "2020", year: 2020 });
    if (!clone.ok) throw new Error("clone");
    const ids = ["beijing", "shanghai", "lhasa"].map((c) => getCityByCode(db, c)!.id);
    expect(setParticipation(db, null, clone.id, [...ids, ids[0]!, 999_999])).toEqual({ ok: true });
    expect(
      db
        .select()
        .from(roundCities)
        .where(eq(roundCities.roundId, clone.id))
        .all()
        .map((r) => r.cityId)
        .sort(),
    ).toEqual([...ids].sort());
    expect(setParticipation(db, null, roundId, ids)).toEqual({ ok: false, reason: "roundNotDraft" });
  });

  it("imports new and changed cities with one audit row each, leaving unchanged ones alone", async () => {
    const db = createTestDb();
    seedBase(db);
    const admin = await createTestUser(db, "admin@test", "admin");
    const hangzhou = getCityByCode(db, "hangzhou")!;
    const wuhan = getCityByCode(db, "wuhan")!;
    const auditBefore = db.select().from(auditLog).all().length;
    const counts = importCities(db, admin.id, [
      importRow(hangzhou),
      { ...importRow(wuhan), nameEn: "Wuhan City" },
      importRow(xiongan),
    ]);
    expect(counts).toEqual({ created: 1, updated: 1, unchanged: 1 });
    expect(getCityByCode(db, "wuhan")!.nameEn).toBe("Wuhan City");
    expect(getCityByCode(db, "xiongan")).toMatchObject({ nameZh: "雄安", confirmed: true });
    const audit = db.select().from(auditLog).all().slice(auditBefore);
    expect(audit.map((a) => [a.action, a.entityId, a.actorId])).toEqual([
      ["city.updated", String(wuhan.id), admin.id],
      ["city.created", String(getCityByCode(db, "xiongan")!.id), admin.id],
    ]);
    expect(audit[0]!.before).toMatchObject({ nameEn: "Wuhan" });
  });

  it("imports all or nothing", () => {
    const db = createTestDb();
    seedBase(db);
    const citiesBefore = db.select().from(cities).all().length;
    const auditBefore = db.select().from(auditLog).all().length;
    const broken = { ...importRow(xiongan), code: "broken", nameZh: null as unknown as string }; // NOT NULL fails mid-way
    expect(() => importCities(db, null, [importRow(xiongan), broken])).toThrow();
    expect(db.select().from(cities).all()).toHaveLength(citiesBefore);
    expect(db.select().from(auditLog).all()).toHaveLength(auditBefore);
  });
});

describe("cities of a finalised round", () => {
  it("keep names, region and tier: an edit is refused, an import too, and the seed leaves them", async () => {
    const { createModuleBRound, createTestDb, setRoundStatus } = await import("./test-db");
    const { citiesLockedByFinalisedRounds, getCityByCode, updateCity, upsertCities } = await import("./cities");
    const db = createTestDb();
    const { roundId } = await createModuleBRound(db, "published cities");
    const hangzhou = getCityByCode(db, "hangzhou")!;
    const fields = {
      nameZh: hangzhou.nameZh,
      nameEn: hangzhou.nameEn,
      provinceZh: hangzhou.provinceZh,
      provinceEn: hangzhou.provinceEn,
      region: hangzhou.region,
      tier: hangzhou.tier,
      confirmed: hangzhou.confirmed,
    };
    expect(updateCity(db, null, hangzhou.id, { ...fields, tier: "prefecture" })).toEqual({ ok: true }); // still open
    setRoundStatus(db, roundId, "finalised");
    expect(updateCity(db, null, hangzhou.id, { ...fields, nameZh: "杭州市" })).toEqual({
      ok: false,
      reason: "cityInFinalisedRound",
    });
    expect(
      updateCity(db, null, hangzhou.id, { ...fields, tier: "prefecture", provinceEn: "Zhejiang Province" }),
    ).toEqual({ ok: true }); // province is not published
    expect(citiesLockedByFinalisedRounds(db, [{ ...hangzhou, region: "north" }])).toEqual(["hangzhou"]);
    upsertCities(db, [{ ...fields, code: "hangzhou", tier: "sub_provincial" }]);
    expect(getCityByCode(db, "hangzhou")!.tier).toBe("prefecture");
    expect(() => db.$client.prepare("update cities set name_en = 'X' where code = 'hangzhou'").run()).toThrow(
      /finalised round keeps/,
    );
  });
});
