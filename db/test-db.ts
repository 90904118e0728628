import { openDatabase, type Db } from "./client";
import { runMigrations } from "./migrate";

/** A fresh, migrated in-memory database for one test. */
export function createTestDb(): Db {
  const db = openDatabase(":memory:");
  runMigrations(db);
  return db;
}
