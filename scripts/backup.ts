/**
 * `npm run backup -- <empty dir>`: a consistent online backup of DATA_DIR while the server runs (database by
 * SQLite's backup API, then the evidence files it refers to), with a manifest of hashes, checked after copying.
 * The signing key is not included: keep it apart (SECURITY.md). Exit 0 when the copy checks out, 1 otherwise.
 */
import path from "node:path";
import { backup } from "@/db/backup";
import { openDatabase } from "@/db/client";
import { databasePath, dataDir } from "@/lib/config/paths";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: npm run backup -- <empty directory>");
  process.exit(2);
}
const db = openDatabase(databasePath());
const { manifest, problems } = await backup(db, path.join(dataDir(), "evidence"), path.resolve(dir));
console.log(
  `backup of ${dataDir()} in ${path.resolve(dir)}: database ${manifest.database.size} bytes (SHA-256 ${manifest.database.sha256}), ${manifest.evidence.length} evidence file(s), audit log to row ${manifest.auditHead?.id ?? 0}`,
);
for (const p of problems) console.error(`PROBLEM ${p}`);
console.log(problems.length ? "NOT a sound backup: see the problems above" : "OK: the copy matches its manifest");
process.exit(problems.length ? 1 : 0);
