import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { beforeEach, describe, expect, it } from "vitest";
import { saveAnswer } from "./answers";
import { type Db } from "./client";
import { getSubmissionForm } from "./submission-form";
import { createModuleBRound, createTestDb, MODULE_B_VALUES } from "./test-db";

let db: Db;
let round: Awaited<ReturnType<typeof createModuleBRound>>;

beforeEach(async () => {
  db = createTestDb();
  round = await createModuleBRound(db, "submission form");
});

describe("the submission form of a version", () => {
  it("shows what the version froze, who submitted it and when, and the fingerprint of its snapshot", () => {
    const { staff, other, roundId, itemId, submitB } = round;
    expect(getSubmissionForm(db, roundId, staff.cityId!, "B", 1)).toBeNull(); // not submitted yet
    submitB();
    const form = getSubmissionForm(db, roundId, staff.cityId!, "B", 1)!;
    expect(form.items.map((i) => i.code)).toEqual(Object.keys(MODULE_B_VALUES));
    expect(form.snapshot.answers.find((a) => a.itemCode === "B1.1")?.value).toBe(MODULE_B_VALUES["B1.1"]);
    expect(form.snapshot.evidence).toHaveLength(Object.keys(MODULE_B_VALUES).length);
    expect(form.submittedByName).toBe(staff.name);
    // The version's whole record: whose module, which version, by whom and when, and what it holds.
    expect(form.hash).toBe(
      createHash("sha256")
        .update(
          canonicalize({
            roundId,
            cityId: staff.cityId,
            moduleCode: "B",
            version: 1,
            submittedBy: staff.id,
            submittedAt: form.submittedAt.toISOString(),
            snapshot: form.snapshot,
          })!,
        )
        .digest("hex"),
    );
    expect(form.hash).toMatch(/^[0-9a-f]{64}$/);
    // Another city's form and a version that does not exist are not there.
    expect(getSubmissionForm(db, roundId, other.cityId!, "B", 1)).toBeNull();
    expect(getSubmissionForm(db, roundId, staff.cityId!, "B", 2)).toBeNull();
    expect(getSubmissionForm(db, roundId, staff.cityId!, "Z", 1)).toBeNull();
    // Later edits of the city do not change the frozen version (the module is submitted: refused anyway).
    saveAnswer(db, staff, { itemId: itemId("B1.1"), baseRevision: 1, value: 1, notApplicableReason: null });
    expect(getSubmissionForm(db, roundId, staff.cityId!, "B", 1)!.hash).toBe(form.hash);
  });
});
