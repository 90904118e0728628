import { count } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { listRoundsOverview } from "./round-overview";
import { cities, itemAssignees, items, reviewAssignments, reviewStages, rounds, users } from "./schema";
import { OPEN_ROUND_NAME, seedBase, seedDemoAccounts } from "./seed";
import { listModuleSummaries } from "./submissions";
import { createTestDb } from "./test-db";

describe("the seed", () => {
  it("loads the cities and the open 2019 round with its framework, stages and demo accounts, and can run twice", async () => {
    const db = createTestDb();
    const counts = () => ({
      cities: db.select({ n: count() }).from(cities).get()!.n,
      rounds: db.select({ n: count() }).from(rounds).get()!.n,
      items: db.select({ n: count() }).from(items).get()!.n,
      stages: db.select({ n: count() }).from(reviewStages).get()!.n,
      users: db.select({ n: count() }).from(users).get()!.n,
      assignments: db.select({ n: count() }).from(reviewAssignments).get()!.n,
      departmentItems: db.select({ n: count() }).from(itemAssignees).get()!.n,
    });
    const { roundId } = seedBase(db);
    await seedDemoAccounts(db, roundId);
    const first = counts();
    expect(first).toEqual({
      cities: 108,
      rounds: 1,
      items: 58,
      stages: 2,
      users: 10,
      assignments: 10,
      departmentItems: 3,
    });

    const again = seedBase(db);
    await seedDemoAccounts(db, again.roundId);
    expect(again.roundId).toBe(roundId);
    expect(counts()).toEqual(first);

    const [overview] = listRoundsOverview(db);
    expect(overview).toMatchObject({
      name: OPEN_ROUND_NAME,
      status: "open",
      cities: 108,
      modules: 5,
      byStatus: { not_started: 540 },
    });
  });

  it("shows a city five modules, none started, with their item counts", () => {
    const db = createTestDb();
    const { roundId } = seedBase(db);
    const progress = listModuleSummaries(db, roundId, 1);
    expect(progress.map((m) => [m.code, m.status, m.answered, m.total])).toEqual([
      ["B", "not_started", 0, 12],
      ["G", "not_started", 0, 13],
      ["P", "not_started", 0, 15],
      ["E", "not_started", 0, 9],
      ["I", "not_started", 0, 9],
    ]);
  });
});
