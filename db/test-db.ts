import { getCityByCode } from "./cities";
import { openDatabase, type Db } from "./client";
import { runMigrations } from "./migrate";
import { upsertUser, type SessionUser } from "./users";

/** A fresh, migrated in-memory database for one test. */
export function createTestDb(): Db {
  const db = openDatabase(":memory:");
  runMigrations(db);
  return db;
}

/** A user of the test database, as the session would describe them. */
export async function createTestUser(db: Db, email: string, role: SessionUser["role"], cityCode?: string): Promise<SessionUser> {
  const cityId = cityCode ? getCityByCode(db, cityCode)!.id : null;
  const name = email.split("@")[0]!;
  const id = await upsertUser(db, { email, name, password: "pw", role, cityId });
  return { id, email, name, role, cityId, locale: "zh-CN" };
}
