import { eq, sql } from "drizzle-orm";
import type { CitySeed } from "@/lib/cities/schema";
import type { Db } from "./client";
import { cities } from "./schema";

/** Inserts the cities, or updates the names and classification of those whose code exists. */
export function upsertCities(db: Db, seed: CitySeed[]): void {
  db.transaction((tx) => {
    for (const city of seed) {
      tx.insert(cities)
        .values(city)
        .onConflictDoUpdate({
          target: cities.code,
          set: {
            nameZh: sql`excluded.name_zh`,
            nameEn: sql`excluded.name_en`,
            provinceZh: sql`excluded.province_zh`,
            provinceEn: sql`excluded.province_en`,
            region: sql`excluded.region`,
            tier: sql`excluded.tier`,
            confirmed: sql`excluded.confirmed`,
          },
        })
        .run();
    }
  });
}

export function getCityByCode(db: Db, code: string) {
  return db.select().from(cities).where(eq(cities.code, code)).get() ?? null;
}

export function getCityById(db: Db, id: number) {
  return db.select().from(cities).where(eq(cities.id, id)).get() ?? null;
}
