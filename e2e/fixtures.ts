import { randomUUID } from "node:crypto";
import path from "node:path";
import { expect, type Page } from "@playwright/test";
import { getCityByCode } from "@/db/cities";
import { openDatabase, type Db } from "@/db/client";
import { getRoundByName } from "@/db/rounds";
import type { Role } from "@/db/schema";
import { OPEN_ROUND_NAME } from "@/db/seed";
import { upsertUser } from "@/db/users";
import { E2E_DATA_DIR } from "./env";

export type TestUser = { id: number; email: string; password: string; name: string; role: Role; cityId: number | null };

let db: Db | undefined;
/** The e2e server's database, for tests to seed their own data. */
export function testDb(): Db {
  db ??= openDatabase(path.join(E2E_DATA_DIR, "cityeval.db"));
  return db;
}

export function openRound() {
  const round = getRoundByName(testDb(), OPEN_ROUND_NAME);
  if (!round) throw new Error("the e2e server seeds the open round");
  return round;
}

export function city(code: string) {
  const found = getCityByCode(testDb(), code);
  if (!found) throw new Error(`no city ${code}`);
  return found;
}

/** A fresh user of its own for one test, so that tests never share lockout counters or languages. */
export async function createUser(role: Role, cityCode?: string): Promise<TestUser> {
  const tag = randomUUID().slice(0, 8);
  const email = `${role.replace("_", "-")}-${tag}@e2e.test`;
  const password = `pw-${randomUUID()}`;
  const cityId = cityCode ? city(cityCode).id : null;
  const name = `E2E ${role} ${tag}`;
  const id = await upsertUser(testDb(), { email, name, password, role, cityId });
  return { id, email, password, name, role, cityId };
}

/** Signs in through the Auth.js endpoints (the sign-in page itself is covered by its own spec). */
export async function signInViaApi(page: Page, user: TestUser) {
  const { csrfToken } = (await (await page.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const response = await page.request.post("/api/auth/callback/credentials", {
    form: { email: user.email, password: user.password, csrfToken, callbackUrl: "/" },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(302);
  expect(response.headers().location).not.toContain("error");
}
