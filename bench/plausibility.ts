/**
 * bench/plausibility — `npm run bench:plausibility`.
 * Plausibility flags (lib/review/plausibility.ts, db/plausibility.ts) of every submitted module of a synthetic
 * 2,800-city round × 58 items: the index of the round's submitted values, then the flags of all 14,000 versions.
 * Target: all of it < 5 s on this machine. Prints figures only; it asserts nothing.
 */
import { eq } from "drizzle-orm";
import { openDatabase } from "@/db/client";
import { openFlagCounts } from "@/db/plausibility";
import { submissions } from "@/db/schema";
import { migrateAndSeed } from "@/db/seed";
import { seedSyntheticVerifiedRound } from "@/db/synthetic";
import { fmt, tempDataDir } from "./lib";

async function main() {
  const db = openDatabase(`${tempDataDir()}/cityeval.db`);
  console.log("preparing: a synthetic 2,800-city round, every module verified …");
  await migrateAndSeed(db);
  const roundId = seedSyntheticVerifiedRound(db, 2800, "bench plausibility");
  const ids = db
    .select({ id: submissions.id })
    .from(submissions)
    .where(eq(submissions.roundId, roundId))
    .all()
    .map((s) => s.id);
  for (let run = 1; run <= 3; run++) {
    const start = performance.now();
    // The first submission computes the round's flags; the rest read them.
    openFlagCounts(db, ids.slice(0, 1));
    const indexed = performance.now();
    const counts = openFlagCounts(db, ids);
    const seconds = (performance.now() - start) / 1000;
    const flags = [...counts.values()].reduce((a, b) => a + b, 0);
    console.log(
      `run ${run}: ${ids.length} versions, ${flags} flags in ${fmt(seconds, 2)} s (computing the round's flags ${fmt((indexed - start) / 1000, 2)} s)  target < 5 s`,
    );
    // Each run starts from a fresh index: a submission changing invalidates it.
    db.update(submissions).set({ updatedAt: new Date() }).where(eq(submissions.id, ids[0]!)).run();
  }
  db.$client.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
