import { describe, expect, it } from "vitest";
import { MODULE_STATUSES } from "@/lib/domain";
import { countByStatus, isSettled, isWithCity, moduleStatus, moduleStatusLookup } from "./module-status";

describe("a city × module's status", () => {
  it("is its submission's, or not_started before the first edit", () => {
    expect(moduleStatus(undefined)).toBe("not_started");
    expect(moduleStatus(null)).toBe("not_started");
    expect(moduleStatus({ status: "returned" })).toBe("returned");
    const statusOf = moduleStatusLookup([{ cityId: 1, moduleId: 2, status: "in_review" }]);
    expect(statusOf(1, 2)).toBe("in_review");
    expect(statusOf(2, 1)).toBe("not_started");
  });

  it("lets a round be finalised only when verified or closed as not submitted", () => {
    expect(MODULE_STATUSES.filter(isSettled)).toEqual(["verified", "not_submitted"]);
  });

  it("is overdue after the submission deadline while still with the city", () => {
    expect(MODULE_STATUSES.filter(isWithCity)).toEqual(["not_started", "draft", "returned"]);
  });

  it("counts every pair without a submission as not_started", () => {
    expect(
      countByStatus(10, [
        { status: "draft", n: 3 },
        { status: "verified", n: 2 },
      ]),
    ).toEqual({ draft: 3, verified: 2, not_started: 5 });
    expect(countByStatus(0, [])).toEqual({ not_started: 0 });
  });
});
