/**
 * A synthetic round of many cities with every module verified, written in bulk (no workflow), for measuring
 * finalisation at scale (bench/finalise). Not used by the application.
 */
import "server-only";
import { eq } from "drizzle-orm";
import { answerFor, cityLevels, DemoRandom } from "@/lib/demo/generate";
import { REGIONS } from "@/lib/domain";
import type { Db } from "./client";
import { loadFrameworkFile } from "./data-files";
import { loadFrameworkShape } from "./framework";
import { createRound } from "./rounds";
import { answers, cities, reviewStages, submissions } from "./schema";

export function seedSyntheticVerifiedRound(db: Db, cityCount: number, name: string): number {
  const existing = db.select({ id: cities.id, region: cities.region, tier: cities.tier }).from(cities).all();
  const extra = Math.max(0, cityCount - existing.length);
  db.transaction((tx) => {
    for (let i = 0; i < extra; i++) {
      const code = `synthetic-${String(i + 1).padStart(5, "0")}`;
      tx.insert(cities)
        .values({
          code,
          nameZh: `合成城市${i + 1}`,
          nameEn: `Synthetic ${i + 1}`,
          provinceZh: "合成",
          provinceEn: "Synthetic",
          region: REGIONS[i % REGIONS.length]!,
          tier: "prefecture",
          confirmed: false,
          synthetic: true,
        })
        .onConflictDoNothing()
        .run();
    }
  });
  const roundCities = db
    .select({ id: cities.id, region: cities.region, tier: cities.tier })
    .from(cities)
    .orderBy(cities.id)
    .limit(cityCount)
    .all();
  const roundId = createRound(
    db,
    { name, year: 2019, status: "open", cityIds: roundCities.map((c) => c.id) },
    loadFrameworkFile(2019),
    null,
  );
  const shape = loadFrameworkShape(db, roundId);
  const [lastStage] = db
    .select()
    .from(reviewStages)
    .where(eq(reviewStages.roundId, roundId))
    .orderBy(reviewStages.position)
    .all()
    .reverse();
  const random = new DemoRandom(3000);
  const levels = cityLevels(random, roundCities);
  const now = new Date();
  db.transaction((tx) => {
    for (const city of roundCities) {
      for (const mod of shape) {
        const { id: submissionId } = tx
          .insert(submissions)
          .values({
            roundId,
            cityId: city.id,
            moduleId: mod.module.id,
            status: "verified",
            version: 1,
            stageId: lastStage!.id,
            submittedAt: now,
            verifiedAt: now,
          })
          .returning({ id: submissions.id })
          .get();
        const rows = mod.indicators
          .flatMap((i) => i.items)
          .map((item) => ({
            submissionId,
            itemId: item.id,
            ...answerFor({ ...item, moduleCode: mod.code }, levels.get(city.id)!, random),
          }));
        tx.insert(answers).values(rows).run();
      }
    }
  });
  return roundId;
}
