import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { saveAnswer } from "./answers";
import { addEvidence } from "./evidence";
import { exportFramework, roundRules } from "./framework";
import { rounds } from "./schema";
import { getQuestionnaire, listModuleSummaries, submitModule } from "./submissions";
import { createModuleBRound, createTestDb, MODULE_B_VALUES } from "./test-db";

describe("validation rules of a round", () => {
  it("keeps the framework's rules, and holds up submitting while a block rule is broken (a warn rule does not)", async () => {
    const db = createTestDb();
    const round = await createModuleBRound(db, "rules");
    // The 2019 framework's own rules, kept with the round and exported with its framework.
    expect(roundRules(db, round.roundId).map((r) => r.code)).toEqual(["R1", "R2", "R3", "R4"]);
    expect(exportFramework(db, round.roundId).rules.map((r) => r.code)).toEqual(["R1", "R2", "R3", "R4"]);
    expect(roundRules(db, round.roundId, "B").map((r) => r.code)).toEqual(["R3"]);
    // A block rule on module B that its answers break (B1.2 = 88 > B1.3 = 70).
    const rules = db.select().from(rounds).where(eq(rounds.id, round.roundId)).get()!.validationRules;
    db.update(rounds)
      .set({
        validationRules: [
          ...rules,
          { code: "T1", expr: "B1.2 <= B1.3", level: "block", message: { zh: "测试规则", en: "test rule" } },
        ],
      })
      .where(eq(rounds.id, round.roundId))
      .run();
    const save = (code: string, value: unknown, baseRevision = 0) =>
      saveAnswer(db, round.staff, { itemId: round.itemId(code), baseRevision, value, notApplicableReason: null });
    for (const [code, value] of Object.entries(MODULE_B_VALUES)) {
      // R3 (warn): departments' systems in the cloud without a city-wide cloud. It does not hold up submitting.
      expect(save(code, code === "B2.1" ? false : value).ok).toBe(true);
      addEvidence(db, round.staff, round.itemId(code), { kind: "url", url: `https://x.example/${code}` });
    }
    // The city's dashboard counts the broken block rule (not the warn one) before anyone presses submit.
    const summary = () => listModuleSummaries(db, round.roundId, round.staff.cityId!).find((m) => m.code === "B")!;
    expect(summary().rulesBroken).toBe(1);
    const refused = submitModule(db, round.staff, round.roundId, "B");
    expect(refused).toEqual({
      ok: false,
      reason: "incomplete",
      missing: [
        {
          itemCode: "B1.2",
          what: "rule",
          rule: { code: "T1", message: { zh: "测试规则", en: "test rule" }, items: ["B1.2", "B1.3"] },
        },
      ],
    });
    expect(save("B1.3", 90, 1).ok).toBe(true);
    expect(summary().rulesBroken).toBe(0);
    expect(submitModule(db, round.staff, round.roundId, "B").ok).toBe(true);
    expect(getQuestionnaire(db, round.roundId, round.staff.cityId!, "B")!.submission!.status).toBe("submitted");
  });
});
