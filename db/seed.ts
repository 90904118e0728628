import "server-only";
import { and, eq, inArray, like } from "drizzle-orm";
import { hashPassword } from "@/lib/auth/password";
import { listCities, upsertCities } from "./cities";
import type { Db } from "./client";
import { loadCityFile, loadFrameworkFile } from "./data-files";
import { DEMO_ROUND_NAME, seedDemoRound } from "./demo-round";
import { runMigrations } from "./migrate";
import { createRound, getRoundByName } from "./rounds";
import { cities, itemAssignees, items, modules, reviewAssignments, reviewStages, users } from "./schema";
import { signLegacyFinalisations } from "./signatures";
import { upsertUser } from "./users";

export const OPEN_ROUND_NAME = "第九届(2019)中国智慧城市发展水平评估";

/** Cities and the open 2019 round with all 108 cities. Safe to run again: existing rows are kept. */
export function seedBase(db: Db): { roundId: number } {
  upsertCities(db, loadCityFile());
  const existing = getRoundByName(db, OPEN_ROUND_NAME);
  if (existing) return { roundId: existing.id };
  const cityIds = listCities(db).map((c) => c.id);
  const roundId = createRound(
    db,
    {
      name: OPEN_ROUND_NAME,
      year: 2019,
      status: "open",
      dataCutoffDate: "2019-06-30",
      // Generous deadlines so that the demo round stays usable; the admin edits them per round.
      submissionDeadline: new Date(Date.UTC(new Date().getUTCFullYear() + 1, 11, 31, 15, 59)),
      reviewDeadline: new Date(Date.UTC(new Date().getUTCFullYear() + 2, 2, 31, 15, 59)),
      cityIds,
    },
    loadFrameworkFile(2019),
    null,
  );
  return { roundId };
}

export const DEMO_PASSWORD = "cityeval2019";
const DEMO_ADMIN_EMAIL = "admin@cityeval.demo";

/** A demo instance is one whose demo accounts exist and are active (`npm run demo` creates them). */
export function isDemoInstance(db: Db): boolean {
  return !!db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.email, DEMO_ADMIN_EMAIL), eq(users.active, true)))
    .get();
}

export type DemoLogin = { email: string; role: string; who: string };

/** Demo accounts: one admin, three reviewers with assignments, the leads of five cities and one department. */
export async function seedDemoAccounts(db: Db, roundId: number): Promise<DemoLogin[]> {
  const logins: DemoLogin[] = [];
  // Every demo account has the documented password: one hash (with its own salt) instead of nine.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const add = async (
    email: string,
    name: string,
    role: "admin" | "reviewer" | "city_staff" | "department_staff",
    who: string,
    cityId: number | null = null,
    department: string | null = null,
  ) => {
    const id = await upsertUser(db, { email, name, passwordHash, role, cityId, department });
    logins.push({ email, role, who });
    return id;
  };
  await add(DEMO_ADMIN_EMAIL, "组织方管理员", "admin", "organiser");
  const staffCities = ["shanghai", "hangzhou", "shenzhen", "chengdu", "wuhan"];
  const cityRows = db.select().from(cities).where(inArray(cities.code, staffCities)).all();
  for (const code of staffCities) {
    const city = cityRows.find((c) => c.code === code)!;
    await add(
      `${code}@cityeval.demo`,
      `${city.nameZh}城市管理员`,
      "city_staff",
      `${city.nameZh} ${city.nameEn}`,
      city.id,
    );
  }
  // A department of Hangzhou (统计局) that fills indicator B1 of the open round for the city's lead.
  const hangzhou = cityRows.find((c) => c.code === "hangzhou")!;
  const lead = db.select({ id: users.id }).from(users).where(eq(users.email, "hangzhou@cityeval.demo")).get()!;
  const statistics = await add(
    "hangzhou-stats@cityeval.demo",
    "杭州市统计局 王晓明",
    "department_staff",
    `${hangzhou.nameZh} 统计局 (B1)`,
    hangzhou.id,
    "统计局",
  );
  const b1 = db
    .select({ id: items.id })
    .from(items)
    .where(and(eq(items.roundId, roundId), like(items.code, "B1.%")))
    .all();
  if (b1.length)
    db.insert(itemAssignees)
      .values(b1.map((i) => ({ roundId, cityId: hangzhou.id, itemId: i.id, userId: statistics, assignedBy: lead.id })))
      .onConflictDoNothing()
      .run();
  const mods = db
    .select()
    .from(modules)
    .where(inArray(modules.roundId, [roundId]))
    .all();
  const stages = db
    .select()
    .from(reviewStages)
    .where(inArray(reviewStages.roundId, [roundId]))
    .orderBy(reviewStages.position)
    .all();
  const [first, second] = stages;
  const byCode = (codes: string[]) => mods.filter((m) => codes.includes(m.code));
  const reviewers: [string, string, { stageId: number; modules: typeof mods }[]][] = [
    ["reviewer1@cityeval.demo", "初审专家 甲", [{ stageId: first!.id, modules: byCode(["B", "G", "P"]) }]],
    ["reviewer2@cityeval.demo", "初审专家 乙", [{ stageId: first!.id, modules: byCode(["E", "I"]) }]],
    ["reviewer3@cityeval.demo", "复审专家 丙", [{ stageId: second!.id, modules: mods }]],
  ];
  for (const [email, name, assignments] of reviewers) {
    const id = await add(
      email,
      name,
      "reviewer",
      assignments
        .map((a) => `${stages.find((s) => s.id === a.stageId)!.nameZh} ${a.modules.map((m) => m.code).join("")}`)
        .join(", "),
    );
    for (const a of assignments) {
      for (const m of a.modules) {
        db.insert(reviewAssignments)
          .values({ roundId, moduleId: m.id, stageId: a.stageId, reviewerId: id })
          .onConflictDoNothing()
          .run();
      }
    }
  }
  return logins;
}

/**
 * Migrates the database and seeds the base data, the demo accounts and the finalised demo round (generated
 * once, on the first run); returns the demo logins.
 */
export async function migrateAndSeed(db: Db, log: (line: string) => void = () => {}): Promise<DemoLogin[]> {
  runMigrations(db);
  const { roundId } = seedBase(db);
  const logins = await seedDemoAccounts(db, roundId);
  if (!getRoundByName(db, DEMO_ROUND_NAME)) {
    log("Generating the finalised demo round (108 cities, first run only)…");
    seedDemoRound(db);
  }
  const legacy = signLegacyFinalisations(db);
  if (legacy.signed.length)
    log(`Signed ${legacy.signed.length} round(s) finalised before signing existed (their results recompute exactly).`);
  if (legacy.refused.length)
    log(
      `NOT signed, their results no longer recompute: round(s) ${legacy.refused.join(", ")} — see npm run verify -- <round>.`,
    );
  return logins;
}

export function formatDemoLogins(logins: DemoLogin[]): string {
  const rows = logins.map((l) => `  ${l.role.padEnd(10)} ${l.email.padEnd(28)} ${l.who}`);
  return [`Demo logins (password for all: ${DEMO_PASSWORD})`, ...rows].join("\n");
}
