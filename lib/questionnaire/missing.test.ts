import { describe, expect, it } from "vitest";
import { findMissing } from "./missing";

const item = (id: number, code: string, required = true, evidenceRequired = false) => ({
  id,
  code,
  required,
  evidenceRequired,
});

describe("what a submission still lacks", () => {
  it("every required answer, and evidence for every answered item that needs it, in framework order", () => {
    const items = [item(1, "A1.1"), item(2, "A1.2", true, true), item(3, "A1.3", false, true), item(4, "A1.4", false)];
    const answers = [
      { itemId: 2, value: 5, notApplicableReason: null },
      { itemId: 3, value: null, notApplicableReason: "本市未建设" }, // not applicable: no evidence needed
    ];
    expect(findMissing(items, answers, [])).toEqual([
      { itemCode: "A1.1", what: "answer" },
      { itemCode: "A1.2", what: "evidence" },
    ]);
    expect(
      findMissing(items, [...answers, { itemId: 1, value: 0, notApplicableReason: null }], [{ itemId: 2 }]),
    ).toEqual([]);
  });
});
