import { describe, expect, it } from "vitest";
import { getFrameworkImpact } from "./report";
import { cloneRound } from "./rounds";
import { createModuleBRound, createTestDb } from "./test-db";

describe("the impact of a draft's framework on the round it was cloned from", () => {
  it("applies the saved draft to the finalised round's verified values, and only for such a draft", async () => {
    const db = createTestDb();
    const round = await createModuleBRound(db, "impact");
    round.submitB();
    // Before finalising, a clone has no results to compare with.
    const early = cloneRound(db, round.admin.id, round.roundId, { name: "早", year: 2020 });
    if (!early.ok) throw new Error(early.reason);
    expect(getFrameworkImpact(db, early.id)).toBeNull();
    round.closeAndFinalise();
    const clone = cloneRound(db, round.admin.id, round.roundId, { name: "影响", year: 2020 });
    if (!clone.ok) throw new Error(clone.reason);
    const found = getFrameworkImpact(db, clone.id)!;
    // The same framework: every total as published, the ranking unchanged.
    expect(found.impact.cities.every((c) => c.newTotal === c.oldTotal && c.newRank === c.oldRank)).toBe(true);
    expect(found.impact.rho).toBe(1);
    expect(found.impact.unmapped).toEqual([]);
    expect(found.source.id).toBe(round.roundId);
    // The finalised round itself is no draft.
    expect(getFrameworkImpact(db, round.roundId)).toBeNull();
  });
});
