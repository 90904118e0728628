/**
 * The finalised demo round (2019 演示轮次): all 108 cities with generated answers (lib/demo), submitted, approved at
 * both stages by the demo reviewers and finalised, so that the report is full on first start.
 */
import "server-only";
import { and, eq, gt, inArray, max } from "drizzle-orm";
import { answerFor, cityLevels, DemoRandom } from "@/lib/demo/generate";
import type { SessionUser } from "@/lib/domain";
import { saveAnswer } from "./answers";
import { listCities } from "./cities";
import type { Db } from "./client";
import { loadFrameworkFile } from "./data-files";
import { addEvidence } from "./evidence";
import { finaliseRound } from "./finalise";
import { loadFrameworkShape } from "./framework";
import { approveSubmission } from "./reviews";
import { createRound, getRoundByName } from "./rounds";
import { modules, notifications, reviewAssignments, reviewStages, rounds, submissions, users } from "./schema";
import { submitModule } from "./submissions";
import { getSessionUserByEmail } from "./users";

export const DEMO_ROUND_NAME = "2019 演示轮次";
const DEMO_ROUND_NAME_EN = "2019 demo round";

function must(user: SessionUser | null, email: string): SessionUser {
  if (!user) throw new Error(`the demo round needs the demo account ${email}`);
  return user;
}

/** Seeds the demo round; `finalise: false` leaves it open with every module verified (for bench/finalise). */
export function seedDemoRound(db: Db, { finalise = true, name = DEMO_ROUND_NAME } = {}): number {
  // Demo databases made before the round had a Chinese name keep their round, renamed.
  const legacy = name === DEMO_ROUND_NAME ? getRoundByName(db, "2019 demo") : undefined;
  if (legacy?.isDemo)
    db.update(rounds).set({ name: DEMO_ROUND_NAME, nameEn: DEMO_ROUND_NAME_EN }).where(eq(rounds.id, legacy.id)).run();
  const existing = getRoundByName(db, name);
  if (existing) return existing.id;
  const admin = must(getSessionUserByEmail(db, "admin@cityeval.demo"), "admin@cityeval.demo");
  const firstStage = ["reviewer1@cityeval.demo", "reviewer2@cityeval.demo"].map((e) =>
    must(getSessionUserByEmail(db, e), e),
  );
  const finalStage = must(getSessionUserByEmail(db, "reviewer3@cityeval.demo"), "reviewer3@cityeval.demo");
  const allCities = listCities(db);
  const roundId = createRound(
    db,
    {
      name,
      nameEn: name === DEMO_ROUND_NAME ? DEMO_ROUND_NAME_EN : null,
      year: 2019,
      status: "open",
      isDemo: true,
      dataCutoffDate: "2019-06-30",
      cityIds: allCities.map((c) => c.id),
    },
    loadFrameworkFile(2019),
    admin.id,
  );
  const mods = db.select().from(modules).where(eq(modules.roundId, roundId)).all();
  const [stage1, stage2] = db
    .select()
    .from(reviewStages)
    .where(eq(reviewStages.roundId, roundId))
    .orderBy(reviewStages.position)
    .all();
  const reviewerOf = (code: string) => (["B", "G", "P"].includes(code) ? firstStage[0]! : firstStage[1]!);
  for (const m of mods) {
    db.insert(reviewAssignments)
      .values({ roundId, moduleId: m.id, stageId: stage1!.id, reviewerId: reviewerOf(m.code).id })
      .onConflictDoNothing()
      .run();
    db.insert(reviewAssignments)
      .values({ roundId, moduleId: m.id, stageId: stage2!.id, reviewerId: finalStage.id })
      .onConflictDoNothing()
      .run();
  }

  // One data-entry account per city, unable to sign in, entered the synthetic answers.
  const entryEmail = (code: string) => `data-${code}@cityeval.demo`;
  const known = new Set(
    db
      .select({ email: users.email })
      .from(users)
      .where(
        inArray(
          users.email,
          allCities.map((c) => entryEmail(c.code)),
        ),
      )
      .all()
      .map((u) => u.email),
  );
  for (const city of allCities) {
    if (!known.has(entryEmail(city.code))) {
      db.insert(users)
        .values({
          email: entryEmail(city.code),
          name: `${city.nameZh}（演示数据）`,
          passwordHash: "!",
          role: "city_staff",
          cityId: city.id,
          active: false,
          synthetic: true,
        })
        .run();
    }
  }

  const lastNotification =
    db
      .select({ id: max(notifications.id) })
      .from(notifications)
      .get()?.id ?? 0;
  const shape = loadFrameworkShape(db, roundId);
  const random = new DemoRandom(2019);
  const levels = cityLevels(random, allCities);
  for (const city of allCities) {
    const staff = getSessionUserByEmail(db, entryEmail(city.code))!;
    const level = levels.get(city.id)!;
    for (const mod of shape) {
      for (const item of mod.indicators.flatMap((i) => i.items)) {
        const answer = answerFor({ ...item, moduleCode: mod.code }, level, random);
        saveAnswer(db, staff, { itemId: item.id, baseRevision: 0, ...answer });
        if (item.evidenceRequired && !answer.notApplicableReason) {
          addEvidence(db, staff, item.id, {
            kind: "url",
            url: `https://www.example.gov.cn/${city.code}/${item.code.toLowerCase()}`,
          });
        }
      }
      const submitted = submitModule(db, staff, roundId, mod.code);
      if (!submitted.ok) throw new Error(`demo ${city.code} ${mod.code}: ${submitted.reason}`);
      const sub = db
        .select()
        .from(submissions)
        .where(
          and(
            eq(submissions.roundId, roundId),
            eq(submissions.cityId, city.id),
            eq(submissions.moduleId, mod.module.id),
          ),
        )
        .get()!;
      for (const reviewer of [reviewerOf(mod.code), finalStage]) {
        const approved = approveSubmission(db, reviewer, sub.id, sub.version);
        if (!approved.ok) throw new Error(`demo approval ${city.code} ${mod.code}: ${approved.reason}`);
      }
    }
  }
  // The generated workflow would otherwise flood the demo reviewers' notifications.
  db.delete(notifications).where(gt(notifications.id, lastNotification)).run();
  if (finalise) {
    const finalised = finaliseRound(db, admin, roundId);
    if (!finalised.ok) throw new Error(`demo finalisation: ${finalised.reason}`);
  }
  return roundId;
}
