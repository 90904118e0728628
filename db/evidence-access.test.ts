import { beforeEach, describe, expect, it } from "vitest";
import { saveAnswer } from "./answers";
import type { Db } from "./client";
import { addEvidence, deleteEvidence, getEvidenceForDownload } from "./evidence";
import { decideItem } from "./item-decisions";
import { getReviewData } from "./review-screen";
import { returnSubmission } from "./reviews";
import { getPreliminaryScorecard } from "./scorecard";
import { createModuleBRound, createTestDb, createTestUser } from "./test-db";

const file = (tag: string) => ({
  kind: "file" as const,
  sha256: tag.padEnd(64, "0"),
  size: 10,
  mime: "application/pdf",
  originalName: `${tag}.pdf`,
  storageKey: `${tag}.bin`,
});

let db: Db;
let round: Awaited<ReturnType<typeof createModuleBRound>>;
beforeEach(async () => {
  db = createTestDb();
  round = await createModuleBRound(db, "evidence access");
});

describe("evidence downloads follow lib/auth/policy.ts", () => {
  it("reviewers of the module get files of submitted versions only; deleted files only admins", () => {
    const { staff, other, initial, final, admin, itemId, submitB } = round;
    const before = addEvidence(db, staff, itemId("B1.1"), file("submitted"));
    if (!before.ok) throw new Error(before.reason);
    expect(getEvidenceForDownload(db, initial, before.id)).toBeNull(); // a draft is the city's alone

    const submissionId = submitB();
    for (const reviewer of [initial, final, admin, staff])
      expect(getEvidenceForDownload(db, reviewer, before.id)?.id).toBe(before.id);
    expect(getEvidenceForDownload(db, other, before.id)).toBeNull();

    // The reviewer queries B1.1 and returns the module: the city replaces the file in its new draft.
    const query = decideItem(db, initial, {
      submissionId,
      itemId: itemId("B1.1"),
      version: 1,
      action: "query",
      comment: "请补充 2018 年数据",
    });
    expect(query.ok).toBe(true);
    expect(returnSubmission(db, initial, submissionId, 1, "见 B1.1 的问题").ok).toBe(true);
    const replacement = addEvidence(db, staff, itemId("B1.1"), file("redraft"));
    if (!replacement.ok) throw new Error(replacement.reason);
    expect(deleteEvidence(db, staff, before.id)).toEqual({ ok: true });

    expect(getEvidenceForDownload(db, staff, replacement.id)?.id).toBe(replacement.id);
    expect(getEvidenceForDownload(db, initial, replacement.id)).toBeNull(); // not submitted yet
    expect(getEvidenceForDownload(db, initial, before.id)).toBeNull(); // deleted
    expect(getEvidenceForDownload(db, staff, before.id)).toBeNull();
    expect(getEvidenceForDownload(db, admin, before.id)?.id).toBe(before.id); // the audit trail keeps it
    // The city's revised answer is a draft until resubmitted: reviewers see the submitted one.
    expect(
      saveAnswer(db, staff, { itemId: itemId("B1.1"), baseRevision: 1, value: 99999, notApplicableReason: null }).ok,
    ).toBe(true);
    expect(getReviewData(db, initial, submissionId)!.answerRows.find((a) => a.itemId === itemId("B1.1"))!.value).toBe(
      12,
    );
    // So do the scorecards every reviewer may open (the finalised one is built the same way).
    const scored = getPreliminaryScorecard(db, round.roundId, staff.cityId!)!
      .modules.flatMap((m) => m.indicators.flatMap((i) => i.items))
      .find((i) => i.item.code === "B1.1")!;
    expect(scored.evidence.map((e) => e.id)).not.toContain(replacement.id);
    // The review screen lists only what the reviewer may open.
    const listed = getReviewData(db, initial, submissionId)!.evidenceRows.map((e) => e.id);
    expect(listed).not.toContain(replacement.id);
    expect(listed).not.toContain(before.id);
  });

  it("the review data loader refuses city staff, unassigned reviewers and never-submitted drafts by itself", async () => {
    const { staff, initial, admin, submitB } = round;
    const submissionId = submitB();
    expect(getReviewData(db, initial, submissionId)).not.toBeNull();
    expect(getReviewData(db, admin, submissionId)).not.toBeNull();
    expect(getReviewData(db, staff, submissionId)).toBeNull();
    const stranger = await createTestUser(db, "stranger@x.org", "reviewer");
    expect(getReviewData(db, stranger, submissionId)).toBeNull();
  });
});
