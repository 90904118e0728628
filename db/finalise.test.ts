import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { signingKeyPem } from "@/lib/config/signing-key";
import type { SessionUser } from "@/lib/domain";
import { newSigningKeyPem, publicKeyPemOf } from "@/lib/signing/signature";
import { saveAnswer } from "./answers";
import { getCityByCode } from "./cities";
import { type Db, openDatabase } from "./client";
import { loadFrameworkFile } from "./data-files";
import { addEvidence } from "./evidence";
import { finaliseRound, listBlockers, markNotSubmitted, reopenRound } from "./finalise";
import { decideItem } from "./item-decisions";
import { runMigrations } from "./migrate";
import { computeRoundResults, listStoredResults, loadRoundInput, recomputeRound } from "./results";
import { approveSubmission } from "./reviews";
import { createRound } from "./rounds";
import { items, modules, notifications, results, reviewAssignments, reviewStages, rounds, submissions } from "./schema";
import { seedBase } from "./seed";
import { submitModule } from "./submissions";
import { createTestDb, createTestUser } from "./test-db";

let db: Db;
let roundId: number;
let admin: SessionUser;
let r1: SessionUser;
let r2: SessionUser;
const CITY_CODES = ["shanghai", "hangzhou", "lhasa"];

const mod = (code: string) =>
  db
    .select()
    .from(modules)
    .where(and(eq(modules.roundId, roundId), eq(modules.code, code)))
    .get()!;
const itemId = (code: string) =>
  db
    .select()
    .from(items)
    .where(and(eq(items.roundId, roundId), eq(items.code, code)))
    .get()!.id;

const E_VALUES: Record<string, unknown> = {
  "E1.1": 12,
  "E1.2": 350,
  "E1.3": 2,
  "E2.1": 55,
  "E2.2": 20,
  "E2.3": 40,
  "E3.1": 25,
  "E3.2": ["demo_city"],
  "E3.3": true,
};

/** Module E of the city, submitted and approved at both stages (with an optional stage-2 adjustment). */
async function verifyE(cityCode: string, adjust?: { code: string; value: unknown }) {
  const staff = await createTestUser(db, `${cityCode}@x.org`, "city_staff", cityCode);
  for (const [code, value] of Object.entries(E_VALUES)) {
    saveAnswer(db, staff, { itemId: itemId(code), baseRevision: 0, value, notApplicableReason: null });
    addEvidence(db, staff, itemId(code), { kind: "url", url: `https://x.org/${cityCode}/${code}` });
  }
  expect(submitModule(db, staff, roundId, "E").ok).toBe(true);
  const sub = db
    .select()
    .from(submissions)
    .where(
      and(
        eq(submissions.roundId, roundId),
        eq(submissions.cityId, staff.cityId!),
        eq(submissions.moduleId, mod("E").id),
      ),
    )
    .get()!;
  expect(approveSubmission(db, r1, sub.id, 1).ok).toBe(true);
  if (adjust)
    decideItem(db, r2, {
      submissionId: sub.id,
      itemId: itemId(adjust.code),
      version: 1,
      action: "adjust",
      adjustedValue: adjust.value,
      comment: "核减",
    });
  expect(approveSubmission(db, r2, sub.id, 1)).toEqual({ ok: true, verified: true });
  return staff;
}

beforeEach(async () => {
  db = createTestDb();
  seedBase(db);
  const cityIds = CITY_CODES.map((c) => getCityByCode(db, c)!.id);
  roundId = createRound(db, { name: "test round", year: 2019, status: "open", cityIds }, loadFrameworkFile(2019), null);
  admin = await createTestUser(db, "admin@x.org", "admin");
  r1 = await createTestUser(db, "r1@x.org", "reviewer");
  r2 = await createTestUser(db, "r2@x.org", "reviewer");
  const stages = db
    .select()
    .from(reviewStages)
    .where(eq(reviewStages.roundId, roundId))
    .orderBy(reviewStages.position)
    .all();
  db.insert(reviewAssignments)
    .values({ roundId, moduleId: mod("E").id, stageId: stages[0]!.id, reviewerId: r1.id })
    .run();
  db.insert(reviewAssignments)
    .values({ roundId, moduleId: mod("E").id, stageId: stages[1]!.id, reviewerId: r2.id })
    .run();
});

describe("finalisation", () => {
  it("is refused while modules are unverified, listing them; accepted once the rest are marked not submitted", async () => {
    await verifyE("shanghai");
    await verifyE("hangzhou", { code: "E3.1", value: 5 }); // adjusted to the bottom of linear(5,35): 0 points
    expect(listBlockers(db, roundId)).toHaveLength(3 * 5 - 2);
    const refused = finaliseRound(db, admin, roundId);
    expect(refused.ok).toBe(false);
    if (!refused.ok && refused.reason === "blocked")
      expect(refused.blockers[0]).toMatchObject({ cityCode: "shanghai", moduleCode: "B", status: "not_started" });

    expect(
      markNotSubmitted(db, admin, {
        roundId,
        cityId: getCityByCode(db, "lhasa")!.id,
        moduleId: mod("B").id,
        reason: " ",
      }),
    ).toEqual({ ok: false, reason: "reasonRequired" });
    expect(
      markNotSubmitted(db, r1, { roundId, cityId: getCityByCode(db, "lhasa")!.id, moduleId: mod("B").id, reason: "x" }),
    ).toEqual({ ok: false, reason: "roleNotAllowed" });
    for (const b of listBlockers(db, roundId)) {
      expect(
        markNotSubmitted(db, admin, {
          roundId,
          cityId: b.cityId,
          moduleId: mod(b.moduleCode).id,
          reason: "逾期未提交",
        }),
      ).toEqual({ ok: true });
    }
    const lhasaStaff = await createTestUser(db, "lhasa@x.org", "city_staff", "lhasa");
    const done = finaliseRound(db, admin, roundId);
    expect(done).toMatchObject({ ok: true, cities: 3 });
    // A city that took no part is told so, not that it came 0th of the ranked cities.
    const told = (userId: number) =>
      db
        .select()
        .from(notifications)
        .where(eq(notifications.userId, userId))
        .all()
        .map((n) => n.kind);
    expect(told(lhasaStaff.id)).toEqual(["resultsPublishedUnranked"]);
    expect(db.select().from(notifications).where(eq(notifications.userId, lhasaStaff.id)).get()!.href).toBe(
      `/rounds/${roundId}/report/cities/lhasa`,
    );

    const totals = db
      .select()
      .from(results)
      .where(and(eq(results.roundId, roundId), eq(results.level, "total")))
      .all();
    // E for shanghai: 2 + 1.13 + 0.6 + 1.25 + 0.6 + 1.05 + 1.67 + 0.5 + 1 = 9.80; hangzhou loses E3.1 (1.67)
    // Lhasa submitted no module at all: 未参评, without a rank; the others are ranked with 0 for missing modules.
    expect(totals.map((t) => [t.cityId, t.points, t.rank, t.notSubmitted, t.reviewStatus])).toEqual([
      [getCityByCode(db, "shanghai")!.id, 980, 1, true, "incomplete"],
      [getCityByCode(db, "hangzhou")!.id, 813, 2, true, "incomplete"],
      [getCityByCode(db, "lhasa")!.id, 0, null, true, "absent"],
    ]);
    const e31 = listStoredResults(db, roundId, getCityByCode(db, "hangzhou")!.id).find(
      (r) => r.level === "item" && r.code === "E3.1",
    )!;
    expect(e31).toMatchObject({ points: 0, submittedValue: 25, verifiedValue: 5, reviewStatus: "verified" });
    expect(db.select().from(rounds).where(eq(rounds.id, roundId)).get()).toMatchObject({
      status: "finalised",
      digest: done.ok ? done.digest : "",
    });
  });

  it("locks the round: the server refuses a save and the database refuses direct writes", async () => {
    const staff = await verifyE("shanghai");
    for (const b of listBlockers(db, roundId))
      markNotSubmitted(db, admin, { roundId, cityId: b.cityId, moduleId: mod(b.moduleCode).id, reason: "逾期" });
    expect(finaliseRound(db, admin, roundId).ok).toBe(true);
    expect(
      saveAnswer(db, staff, { itemId: itemId("B1.1"), baseRevision: 0, value: 1, notApplicableReason: null }),
    ).toEqual({ ok: false, reason: "roundNotOpen" });
    expect(() => db.$client.prepare("update answers set value = '99'").run()).toThrow(/round is finalised/);
    expect(() => db.$client.prepare("delete from evidence").run()).toThrow(/round is finalised/);
    expect(() => db.$client.prepare("update results set points = 10000").run()).toThrow(/round is finalised/);
    expect(() => db.$client.prepare("update result_details set details = '[]'").run()).toThrow(/round is finalised/);
    expect(() => db.$client.prepare("delete from result_details").run()).toThrow(/round is finalised/);
    const city = getCityByCode(db, "shanghai")!.id;
    expect(() =>
      db.$client
        .prepare("insert into result_details (round_id, city_id, details) values (?, ?, '[]')")
        .run(roundId, city),
    ).toThrow(/round is finalised/);
    expect(() => db.$client.prepare("update submissions set status = 'draft'").run()).toThrow(/round is finalised/);
    // Nor can a row of an open round be moved in, replacing the finalised one it collides with (drizzle/0011).
    const open = db.select().from(rounds).where(eq(rounds.status, "open")).get()!.id;
    db.$client.prepare("insert into result_details (round_id, city_id, details) values (?, ?, '[]')").run(open, city);
    db.$client
      .prepare("insert into results (round_id, city_id, level, code, points) values (?, ?, 'total', '', 1)")
      .run(open, city);
    for (const table of ["result_details", "results"])
      expect(() =>
        db.$client.prepare(`update or replace ${table} set round_id = ? where round_id = ?`).run(roundId, open),
      ).toThrow(/round is finalised/);
    expect(finaliseRound(db, admin, roundId)).toEqual({ ok: false, reason: "roundNotOpen" });
  });

  it("recomputes to the same scores and digest, and detects a tampered row", async () => {
    await verifyE("shanghai");
    for (const b of listBlockers(db, roundId))
      markNotSubmitted(db, admin, { roundId, cityId: b.cityId, moduleId: mod(b.moduleCode).id, reason: "逾期" });
    const done = finaliseRound(db, admin, roundId);
    const clean = recomputeRound(db, roundId);
    expect(clean).toEqual({
      ok: true,
      storedDigest: done.ok ? done.digest : "",
      digest: done.ok ? done.digest : "",
      differences: [],
    });
    expect(computeRoundResults(db, roundId).digest).toBe(clean.digest);

    db.$client.exec("drop trigger results_update_finalised");
    db.$client.prepare("update results set points = points + 1 where level = 'total' and rank = 1").run();
    const tampered = recomputeRound(db, roundId);
    expect(tampered.ok).toBe(false);
    expect(tampered.differences[0]).toMatch(/\/total\/: stored 981 \(rank 1\), recomputed 980/);

    // An item's points inside a city's frozen details, and an item that is not in the framework at all.
    db.$client.exec("drop trigger result_details_update_finalised");
    db.$client
      .prepare(
        "update result_details set details = json_insert(json_set(details, '$[0][2]', 7), '$[#]', json_array('item', 'Z9.9', 0, null, null, 'verified', json('false'))) where city_id = ?",
      )
      .run(getCityByCode(db, "shanghai")!.id);
    const items = recomputeRound(db, roundId).differences.filter((d) => d.includes("/item/"));
    expect(items).toEqual([
      expect.stringMatching(/\/item\/B1\.1: stored 7 \(rank -\), recomputed 0 /),
      expect.stringMatching(/\/item\/Z9\.9: not recomputed/),
    ]);

    // A second entry for the same item, put first, where the exports would read it: caught, not overlooked.
    const shanghai = getCityByCode(db, "shanghai")!.id;
    const [stored] = db.$client
      .prepare("select details from result_details where round_id = ? and city_id = ?")
      .pluck()
      .all(roundId, shanghai) as string[];
    const details = JSON.parse(stored!) as unknown[][];
    const forged = JSON.stringify([["item", "E1.1", 99999, 1, 1, "verified", false], ...details.slice(1)]);
    db.$client
      .prepare("update result_details set details = json_insert(?, '$[#]', json(?)) where round_id = ? and city_id = ?")
      .run(forged, JSON.stringify(details[0]), roundId, shanghai);
    expect(recomputeRound(db, roundId).differences).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\/item\/E1\.1: stored more than once/),
        expect.stringMatching(/\/item\/E1\.1: stored 99999/),
      ]),
    );
  });

  it("reads each verified module's answers and evidence exactly, whatever characters they hold", async () => {
    // Finalising reads a batch of modules as one text, a line per part (db/results.ts): line breaks, quotes and
    // characters outside the Basic Multilingual Plane inside the data must not move what belongs to which item.
    const staff = await verifyE("shanghai");
    await verifyE("hangzhou");
    db.$client.exec("drop trigger if exists answers_update_finalised");
    const reason = '第一行\n第二行 "引号" \\ 😀\r\n';
    const shanghaiSub = db
      .select()
      .from(submissions)
      .where(and(eq(submissions.roundId, roundId), eq(submissions.cityId, staff.cityId!)))
      .get()!;
    db.$client
      .prepare("update answers set not_applicable_reason = ?, value = ? where submission_id = ? and item_id = ?")
      .run(reason, JSON.stringify(["demo_city", "行\n😀"]), shanghaiSub.id, itemId("E3.2"));
    db.$client
      .prepare("update evidence set url = ? where submission_id = ? and item_id = ?")
      .run('https://x.org/城市\n😀/"q"', shanghaiSub.id, itemId("E1.1"));
    const cities = loadRoundInput(db, roundId).cities;
    const shanghai = cities.find((c) => c.cityId === staff.cityId)!;
    expect(shanghai.items["E3.2"]).toMatchObject({ submitted: ["demo_city", "行\n😀"], notApplicable: true });
    expect(shanghai.items["E1.1"]).toMatchObject({ submitted: 12, evidence: ['https://x.org/城市\n😀/"q"'] });
    expect(shanghai.items["E1.2"]).toMatchObject({ submitted: 350, evidence: ["https://x.org/shanghai/E1.2"] });
    const hangzhou = cities.find((c) => c.cityId === getCityByCode(db, "hangzhou")!.id)!;
    expect(Object.fromEntries(Object.entries(hangzhou.items).map(([code, input]) => [code, input.submitted]))).toEqual(
      E_VALUES,
    );
    expect(hangzhou.items["E3.3"]!.evidence).toEqual(["https://x.org/hangzhou/E3.3"]);
  });

  it("is reopened only by an admin with a reason", async () => {
    for (const b of listBlockers(db, roundId))
      markNotSubmitted(db, admin, { roundId, cityId: b.cityId, moduleId: mod(b.moduleCode).id, reason: "逾期" });
    expect(finaliseRound(db, admin, roundId).ok).toBe(true);
    expect(reopenRound(db, r1, roundId, "x")).toEqual({ ok: false, reason: "roleNotAllowed" });
    expect(reopenRound(db, admin, roundId, "")).toEqual({ ok: false, reason: "reasonRequired" });
    expect(reopenRound(db, admin, roundId, "数据更正")).toEqual({ ok: true });
    expect(finaliseRound(db, admin, roundId).ok).toBe(true);
  });
});

describe("npm run verify", () => {
  it("exits 0 on an intact round under the pinned key, 1 under another key and when a stored result was tampered with", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "verify-"));
    const fileDb = openDatabase(path.join(dataDir, "cityeval.db"));
    runMigrations(fileDb);
    seedBase(fileDb);
    const id = createRound(
      fileDb,
      { name: "cli round", year: 2019, status: "open", cityIds: [getCityByCode(fileDb, "shanghai")!.id] },
      loadFrameworkFile(2019),
      null,
    );
    const boss = await createTestUser(fileDb, "boss@x.org", "admin");
    for (const b of listBlockers(fileDb, id)) {
      const moduleId = fileDb
        .select()
        .from(modules)
        .where(and(eq(modules.roundId, id), eq(modules.code, b.moduleCode)))
        .get()!.id;
      markNotSubmitted(fileDb, boss, { roundId: id, cityId: b.cityId, moduleId, reason: "逾期" });
    }
    expect(finaliseRound(fileDb, boss, id).ok).toBe(true);
    // The round was signed with this test process's key; a third party pins its public key.
    const own = path.join(dataDir, "own.pem");
    const other = path.join(dataDir, "other.pem");
    fs.writeFileSync(own, publicKeyPemOf(signingKeyPem()));
    fs.writeFileSync(other, publicKeyPemOf(newSigningKeyPem()));
    const run = (key: string) =>
      spawnSync(
        process.execPath,
        [
          "node_modules/tsx/dist/cli.mjs",
          "--conditions=react-server",
          "scripts/verify.ts",
          String(id),
          "--public-key",
          key,
        ],
        { env: { ...process.env, DATA_DIR: dataDir }, encoding: "utf8" },
      );

    const intact = run(own);
    expect(intact.status, intact.stdout + intact.stderr).toBe(0);
    expect(intact.stdout).toContain("OK: everything holds");
    const wrongKey = run(other);
    expect(wrongKey.status).toBe(1);
    expect(wrongKey.stdout).toMatch(/FAIL {2}signature/);
    fileDb.$client.exec("drop trigger results_update_finalised");
    fileDb.$client.prepare("update results set points = 1 where level = 'module' and code = 'B'").run();
    const tampered = run(own);
    expect(tampered.status).toBe(1);
    expect(tampered.stdout).toMatch(/FAIL {2}results recomputed/);
    fileDb.$client.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);
});
