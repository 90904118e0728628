import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalEvidenceStore } from "@/lib/storage/local-store";
import { saveAnswer } from "./answers";
import { backup, checkBackup, restore } from "./backup";
import { type Db, openDatabase } from "./client";
import { addEvidence } from "./evidence";
import { runMigrations } from "./migrate";
import { answers } from "./schema";
import { getQuestionnaire } from "./submissions";
import { createModuleBRound, MODULE_B_VALUES } from "./test-db";

const PDF = (tag: string) => Buffer.from(`%PDF-1.4\n% ${tag}\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n`);

let dir: string;
let db: Db;
let store: LocalEvidenceStore;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "backup-"));
  db = openDatabase(path.join(dir, "live", "cityeval.db"));
  runMigrations(db);
  store = new LocalEvidenceStore(path.join(dir, "live", "evidence"));
});
afterEach(() => {
  if (db.$client.open) db.$client.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("backup and restore", () => {
  it("copy a live instance consistently while it writes; the restore holds every write acknowledged before the backup began", async () => {
    const { roundId, staff, itemId } = await createModuleBRound(db, "backup");
    for (const [code, value] of Object.entries(MODULE_B_VALUES))
      expect(
        saveAnswer(db, staff, { itemId: itemId(code), baseRevision: 0, value, notApplicableReason: null }).ok,
      ).toBe(true);
    for (const tag of ["a", "b", "c"]) {
      const stored = await store.put(Readable.from(PDF(tag)), `${tag}.pdf`, 1024 * 1024);
      expect(addEvidence(db, staff, itemId("B1.1"), { kind: "file", originalName: `${tag}.pdf`, ...stored }).ok).toBe(
        true,
      );
    }
    const acknowledged = db.select().from(answers).all().length;

    // Saves go on while the backup runs: the copy is one consistent state, at least everything before it began.
    let writes = 0;
    const writer = setInterval(() => {
      const answer = getQuestionnaire(db, roundId, staff.cityId!, "B")!.answers.find(
        (a) => a.itemId === itemId("B1.2"),
      )!;
      if (
        saveAnswer(db, staff, {
          itemId: itemId("B1.2"),
          baseRevision: answer.revision,
          value: 100 + writes,
          notApplicableReason: null,
        }).ok
      )
        writes += 1;
    }, 1);
    const target = path.join(dir, "backup");
    const { manifest, problems } = await backup(db, path.join(dir, "live", "evidence"), target);
    clearInterval(writer);
    expect(problems).toEqual([]);
    expect(manifest.evidence).toHaveLength(3);

    const restoredDir = path.join(dir, "restored");
    expect(restore(target, restoredDir)).toEqual([]);
    const restored = openDatabase(path.join(restoredDir, "cityeval.db"));
    expect(restored.select().from(answers).all().length).toBeGreaterThanOrEqual(acknowledged);
    restored.$client.close();
    for (const { storageKey } of manifest.evidence)
      expect(fs.existsSync(path.join(restoredDir, "evidence", storageKey))).toBe(true);
    // Restoring over an existing database is refused.
    expect(restore(target, restoredDir)).toEqual([
      `${path.join(restoredDir, "cityeval.db")} exists: restore only into an empty DATA_DIR`,
    ]);
  });

  it("a damaged backup is reported and not restored", async () => {
    const target = path.join(dir, "backup");
    await backup(db, path.join(dir, "live", "evidence"), target);
    fs.appendFileSync(path.join(target, "cityeval.db"), "x");
    expect(checkBackup(target)).toEqual(["cityeval.db: SHA-256 differs from the manifest"]);
    expect(restore(target, path.join(dir, "restored"))).toEqual(["cityeval.db: SHA-256 differs from the manifest"]);
    expect(fs.existsSync(path.join(dir, "restored", "cityeval.db"))).toBe(false);
    await expect(backup(db, path.join(dir, "live", "evidence"), target)).rejects.toThrow(/not empty/);
  });
});
