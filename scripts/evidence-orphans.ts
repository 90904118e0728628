/**
 * `npm run evidence:orphans [-- --delete]`: lists evidence files that no evidence row refers to (left by a crash
 * between storing a file and committing its row, or by hand). With --delete, removes those older than a day —
 * never a recent one, whose upload may still be committing. Exit 0; prints what it found and did.
 */
import fs from "node:fs";
import { openDatabase } from "@/db/client";
import { isStorageKeyReferenced, referencedStorageKeys } from "@/db/evidence";
import { databasePath } from "@/lib/config/paths";
import { evidenceStore } from "@/lib/storage";

const SAFE_AGE_MS = 24 * 60 * 60_000;
const remove = process.argv.includes("--delete");
const db = openDatabase(databasePath());
const referenced = referencedStorageKeys(db);
const store = evidenceStore();
const orphans = (await store.listStored()).filter((f) => !referenced.has(f.storageKey));
let removed = 0;
/** Still an old orphan right now: a new upload of the same content may have moved its file in since the listing. */
function stillOldOrphan(storageKey: string): boolean {
  const mtimeMs = fs.statSync(store.pathOf(storageKey), { throwIfNoEntry: false })?.mtimeMs;
  return mtimeMs !== undefined && Date.now() - mtimeMs > SAFE_AGE_MS && !isStorageKeyReferenced(db, storageKey);
}

for (const file of orphans) {
  const old = Date.now() - file.mtimeMs > SAFE_AGE_MS;
  const removing = remove && old && stillOldOrphan(file.storageKey);
  console.log(
    `${file.storageKey}  ${file.size} bytes  ${new Date(file.mtimeMs).toISOString()}${remove ? (removing ? "  removed" : "  kept (less than a day old, or in use again)") : ""}`,
  );
  if (removing) {
    fs.rmSync(store.pathOf(file.storageKey), { force: true });
    removed += 1;
  }
}
console.log(
  `${orphans.length} evidence file(s) referenced by no row${remove ? `; ${removed} removed` : " (run with --delete to remove those older than a day)"}`,
);
