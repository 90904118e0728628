import { describe, expect, it } from "vitest";
import { appealRefusal, fileAppealSchema, isCorrectionWindowOpen, showsPreliminaryResults } from "./appeals";

const deadline = new Date("2026-12-01T15:59:59Z");

describe("the correction window", () => {
  it("is open only for an open round with preliminary results, until its deadline", () => {
    const round = { status: "open", preliminaryResults: true, appealDeadline: deadline };
    expect(isCorrectionWindowOpen(round, new Date("2026-12-01T15:00:00Z"))).toBe(true);
    expect(isCorrectionWindowOpen(round, new Date("2026-12-01T16:00:00Z"))).toBe(false);
    expect(isCorrectionWindowOpen({ ...round, appealDeadline: null }, new Date("2026-11-01"))).toBe(false);
    expect(isCorrectionWindowOpen({ ...round, preliminaryResults: false }, new Date("2026-11-01"))).toBe(false);
    expect(isCorrectionWindowOpen({ ...round, status: "finalised" }, new Date("2026-11-01"))).toBe(false);
    expect(showsPreliminaryResults({ ...round, appealDeadline: null })).toBe(true);
  });

  it("needs a reason; evidence is an optional http(s) link", () => {
    expect(fileAppealSchema.safeParse({ itemId: 1, reason: " " }).success).toBe(false);
    expect(fileAppealSchema.safeParse({ itemId: 1, reason: "统计口径不同", evidenceUrl: "" }).success).toBe(true);
    expect(
      fileAppealSchema.safeParse({ itemId: 1, reason: "统计口径不同", evidenceUrl: "javascript:alert(1)" }).success,
    ).toBe(false);
    expect(
      fileAppealSchema.safeParse({
        itemId: 1,
        reason: "统计口径不同",
        evidenceUrl: "https://stats.example.gov.cn/2019",
      }).success,
    ).toBe(true);
  });
});

describe("who may appeal an item", () => {
  it("needs an open window, a verified module, an item worth points and no appeal still open on it", () => {
    const ok = { windowOpen: true, verified: true, maxPoints: 200, openAppeal: false };
    expect(appealRefusal(ok)).toBeNull();
    expect(appealRefusal({ ...ok, windowOpen: false })).toBe("windowClosed");
    expect(appealRefusal({ ...ok, verified: false })).toBe("notVerified");
    expect(appealRefusal({ ...ok, maxPoints: 0 })).toBe("notScored");
    expect(appealRefusal({ ...ok, openAppeal: true })).toBe("alreadyAppealed");
  });
});
