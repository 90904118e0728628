import { describe, expect, it } from "vitest";
import { adjustmentInForce, changedItemCodes, diffVersions, valueInForce } from "./value-in-force";

describe("the value in force", () => {
  it("is the latest stage's adjustment of the current version, else the city's answer", () => {
    const decisions = [
      { action: "accept", adjustedValue: null, stagePosition: 2 },
      { action: "adjust", adjustedValue: 45, stagePosition: 1 },
    ];
    expect(adjustmentInForce(decisions)).toMatchObject({ adjustedValue: 45, stagePosition: 1 });
    expect(adjustmentInForce([...decisions, { action: "adjust", adjustedValue: 60, stagePosition: 2 }])).toMatchObject({
      adjustedValue: 60,
    });
    expect(adjustmentInForce([{ action: "accept", adjustedValue: null, stagePosition: 1 }])).toBeUndefined();
    const number = { answerType: "number" } as const;
    expect(valueInForce(number, { value: 156.4, notApplicableReason: null }, { adjustedValue: 45 })).toEqual({
      value: 45,
      notApplicable: false,
    });
    expect(valueInForce(number, { value: 156.4, notApplicableReason: null }, undefined)).toEqual({
      value: 156.4,
      notApplicable: false,
    });
    expect(valueInForce(number, { value: null, notApplicableReason: "本市无此项" }, undefined)).toEqual({
      value: null,
      notApplicable: true,
    });
    expect(valueInForce(number, undefined, undefined)).toBeUndefined();
    // A link's adjustment is a judgement of the link, scored with the city's answer.
    expect(
      valueInForce(
        { answerType: "url" },
        { value: "https://x.org", notApplicableReason: null },
        { adjustedValue: "partial" },
      ),
    ).toEqual({ value: "https://x.org", notApplicable: false, urlJudgement: "partial" });
  });

  it("treats an item as changed when its value, not-applicable reason or evidence changed", () => {
    const v1 = {
      answers: [
        { itemCode: "A", value: 1, notApplicableReason: null },
        { itemCode: "B", value: null, notApplicableReason: "无" },
        { itemCode: "C", value: "x", notApplicableReason: null },
        { itemCode: "D", value: true, notApplicableReason: null },
      ],
      evidence: [{ itemCode: "C", sha256: "aa", url: null, originalName: "a.pdf" }],
    };
    const v2 = {
      answers: [
        { itemCode: "A", value: 1, notApplicableReason: null },
        { itemCode: "B", value: null, notApplicableReason: "本市无此项" },
        { itemCode: "C", value: "x", notApplicableReason: null },
        { itemCode: "D", value: false, notApplicableReason: null },
      ],
      evidence: [{ itemCode: "C", sha256: "bb", url: null, originalName: "a.pdf" }],
    };
    expect([...changedItemCodes(v1, v2, ["A", "B", "C", "D"])]).toEqual(["B", "C", "D"]);
    expect(changedItemCodes(undefined, v2, ["A"]).size).toBe(0);
    expect(diffVersions(v1, v2, ["C"])[0]).toMatchObject({
      valueChanged: false,
      evidenceAdded: ["a.pdf"],
      evidenceRemoved: ["a.pdf"],
    });
  });
});
