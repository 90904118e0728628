/**
 * `npm run recompute -- <round id or name>`: recomputes every score of a finalised round from the stored
 * answers, adjustments and framework, and checks them and the digest against the frozen snapshot.
 * Exits 1 on any difference, 2 on bad usage.
 */
import { openDatabase } from "@/db/client";
import { recomputeRound } from "@/db/finalise";
import { getRound, getRoundByName } from "@/db/rounds";
import { databasePath } from "@/lib/config/paths";

const arg = process.argv.slice(2).join(" ").trim();
if (!arg) {
  console.error("usage: npm run recompute -- <round id or name>");
  process.exit(2);
}
const db = openDatabase(databasePath());
const round = /^\d+$/.test(arg) ? getRound(db, Number(arg)) : getRoundByName(db, arg);
if (!round) {
  console.error(`no round ${arg}`);
  process.exit(2);
}
if (round.status !== "finalised") {
  console.error(`round ${round.id} (${round.name}) is ${round.status}, not finalised: nothing to check`);
  process.exit(2);
}
const report = recomputeRound(db, round.id);
console.log(`round ${round.id} (${round.name})`);
console.log(`stored digest     ${report.storedDigest}`);
console.log(`recomputed digest ${report.digest}`);
if (report.ok) {
  console.log("OK: every score, rank and the digest match the snapshot");
} else {
  for (const d of report.differences.slice(0, 50)) console.error(`DIFF ${d}`);
  if (report.differences.length > 50) console.error(`… and ${report.differences.length - 50} more`);
  process.exit(1);
}
