import "server-only";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { auditHead, verifyAuditChain } from "./audit";
import { type Db, openDatabase } from "./client";
import { referencedStorageKeys } from "./evidence";

export const MANIFEST = "manifest.json";
const DATABASE_FILE = "cityeval.db";

export type Manifest = {
  format: "cityeval.backup/1";
  createdAt: string;
  database: { file: string; sha256: string; size: number };
  /** every evidence file the backed-up database refers to (content-addressed: the key is its SHA-256) */
  evidence: { storageKey: string; size: number }[];
  auditHead: { id: number; hash: string } | null;
};

const sha256Of = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");
const keyPath = (root: string, storageKey: string) => path.join(root, ...storageKey.split("/"));

/** Every difference between a backup directory and its manifest (missing files, changed hashes). */
export function checkBackup(dir: string): string[] {
  const manifestFile = path.join(dir, MANIFEST);
  if (!fs.existsSync(manifestFile)) return [`${MANIFEST} is missing`];
  const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as Manifest;
  const out: string[] = [];
  const dbFile = path.join(dir, manifest.database.file);
  if (!fs.existsSync(dbFile)) out.push(`${manifest.database.file} is missing`);
  else if (sha256Of(dbFile) !== manifest.database.sha256)
    out.push(`${manifest.database.file}: SHA-256 differs from the manifest`);
  for (const { storageKey } of manifest.evidence) {
    const file = keyPath(path.join(dir, "evidence"), storageKey);
    if (!fs.existsSync(file)) out.push(`evidence ${storageKey} is missing`);
    else if (sha256Of(file) !== storageKey.split("/")[1])
      out.push(`evidence ${storageKey}: content differs from its hash`);
  }
  return out;
}

/**
 * A consistent online backup into an empty directory: the database through SQLite's backup API (while the
 * server keeps writing), then every evidence file that copy refers to (files are content-addressed and never
 * change, so copying them after the database is safe), a manifest with hashes, and a check of the copy.
 */
export async function backup(
  db: Db,
  evidenceRoot: string,
  dir: string,
  now = new Date(),
): Promise<{ manifest: Manifest; problems: string[] }> {
  if (fs.existsSync(dir) && fs.readdirSync(dir).length) throw new Error(`${dir} is not empty`);
  fs.mkdirSync(path.join(dir, "evidence"), { recursive: true, mode: 0o700 });
  const dbFile = path.join(dir, DATABASE_FILE);
  // All remaining pages in one step: a step runs in one read transaction, so the copy is a consistent snapshot
  // and the server's writes (another process) cannot restart it over and over, as they would between small steps.
  await db.$client.backup(dbFile, { progress: () => 0x7fffffff });
  fs.chmodSync(dbFile, 0o600);
  const copy = openDatabase(dbFile);
  const keys = [...referencedStorageKeys(copy)].sort();
  const head = auditHead(copy);
  copy.$client.pragma("wal_checkpoint(TRUNCATE)");
  copy.$client.close();
  const evidence: Manifest["evidence"] = [];
  for (const storageKey of keys) {
    const source = keyPath(evidenceRoot, storageKey);
    if (!fs.existsSync(source)) continue; // reported below as missing from the live store
    const target = keyPath(path.join(dir, "evidence"), storageKey);
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
    fs.copyFileSync(source, target);
    evidence.push({ storageKey, size: fs.statSync(target).size });
  }
  const manifest: Manifest = {
    format: "cityeval.backup/1",
    createdAt: now.toISOString(),
    database: { file: DATABASE_FILE, sha256: sha256Of(dbFile), size: fs.statSync(dbFile).size },
    evidence,
    auditHead: head,
  };
  fs.writeFileSync(path.join(dir, MANIFEST), JSON.stringify(manifest, null, 2), { mode: 0o600 });
  const missing = keys
    .filter((k) => !evidence.some((e) => e.storageKey === k))
    .map((k) => `evidence ${k} is referenced but missing from the live store`);
  return { manifest, problems: [...missing, ...checkBackup(dir)] };
}

/**
 * Restores a checked backup into a DATA_DIR that holds no database yet, then runs SQLite's integrity check and
 * the audit chain check on the restored copy. Returns every problem found (none: restored and sound).
 */
export function restore(dir: string, dataDir: string): string[] {
  const problems = checkBackup(dir);
  if (problems.length) return problems;
  const target = path.join(dataDir, DATABASE_FILE);
  if (fs.existsSync(target)) return [`${target} exists: restore only into an empty DATA_DIR`];
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), "utf8")) as Manifest;
  fs.mkdirSync(path.join(dataDir, "evidence"), { recursive: true, mode: 0o700 });
  fs.copyFileSync(path.join(dir, manifest.database.file), target);
  fs.chmodSync(target, 0o600);
  for (const { storageKey } of manifest.evidence) {
    const to = keyPath(path.join(dataDir, "evidence"), storageKey);
    fs.mkdirSync(path.dirname(to), { recursive: true, mode: 0o700 });
    fs.copyFileSync(keyPath(path.join(dir, "evidence"), storageKey), to);
    fs.chmodSync(to, 0o600);
  }
  const db = openDatabase(target);
  try {
    const integrity = db.$client.pragma("integrity_check", { simple: true });
    const out: string[] = integrity === "ok" ? [] : [`integrity check: ${String(integrity)}`];
    const broken = verifyAuditChain(db);
    if (broken !== null) out.push(`the audit chain breaks at row ${broken}`);
    return out;
  } finally {
    db.$client.close();
  }
}
