/**
 * `npm run restore -- <backup dir>`: restores a backup into DATA_DIR, which must hold no database yet, after
 * checking the copy against its manifest; then runs SQLite's integrity check and the audit chain check.
 * Exit 0 when restored and sound, 1 otherwise. Then run `npm run verify -- <round>` for finalised rounds.
 */
import path from "node:path";
import { restore } from "@/db/backup";
import { dataDir } from "@/lib/config/paths";
import { refuseWhileServerRuns } from "@/lib/config/server-lock";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: DATA_DIR=<empty data dir> npm run restore -- <backup directory>");
  process.exit(2);
}
refuseWhileServerRuns(dataDir(), "Restoring");
const problems = restore(path.resolve(dir), dataDir());
for (const p of problems) console.error(`PROBLEM ${p}`);
console.log(
  problems.length
    ? "NOT restored cleanly: see the problems above"
    : `OK: restored into ${dataDir()}; integrity and audit chain checked`,
);
process.exit(problems.length ? 1 : 0);
