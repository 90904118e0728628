import path from "node:path";

/** Runtime data (SQLite file, evidence files, generated secret) lives here, never in git. */
export function dataDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.DATA_DIR ?? ".data");
}

export function databasePath(): string {
  return path.join(dataDir(), "cityeval.db");
}
