import ExcelJS from "exceljs";
import { getRound } from "@/db/rounds";
import {
  approveThroughStages,
  createTestRound,
  createUser,
  expect,
  fillAndSubmit,
  test,
  testDb,
  visit,
} from "./fixtures";
import { zh } from "./messages";
import { expectRoundStatus, finaliseRound } from "./pages/admin-round";
import { item, replyToQuery, submitModule } from "./pages/questionnaire";
import { acceptItem, adjustItem, approveStage, backToQueue, queryItem, returnModule } from "./pages/review";

test("a 核减 survives the city's resubmission: the city reads the return note and the adjustment, and Q1.1 is finalised on the adjusted value", async ({
  pageFor,
  adminPage,
}) => {
  // Two review rounds at two stages, the city's revision, finalisation and the export: three times the budget.
  test.slow();
  const { roundId, reviewer, finalReviewer } = await createTestRound(["ningbo"]);
  const staff = await createUser("city_staff", "ningbo");
  const submissionId = fillAndSubmit(roundId, staff);
  const reason = "按统计局口径核减";
  const note = "Q1.3 请补充对接证明";

  // 初审 adjusts Q1.1 (80 → 50 %) with a reason, queries Q1.3 and returns the module with a note.
  const reviewerPage = await pageFor(reviewer);
  await visit(reviewerPage, `/review/submissions/${submissionId}`);
  await adjustItem(reviewerPage, "Q1.1", "50", reason);
  await expect(reviewerPage.getByTestId("review-points-Q1.1")).toHaveText(
    zh("questionnaire.provisionalPoints", { points: "1.00", max: "2.00" }),
  );
  await queryItem(reviewerPage, "Q1.3", "平台是否已对接省级？请提供对接文件");
  await returnModule(reviewerPage, note);

  // The city reads why: on its dashboard, the module page (banner, the 核减 next to Q1.1, history) and its notifications.
  const staffPage = await pageFor(staff);
  await visit(staffPage, `/rounds/${roundId}/cities/ningbo`);
  const card = staffPage.getByRole("listitem").filter({ hasText: "测试模块" });
  await expect(card.getByRole("note")).toContainText(zh("city.returnedComment", { comment: note }));
  await expect(card).toContainText(zh("city.adjustedItems", { count: 1 }));
  await expect(card).toContainText(
    `${zh("city.provisionalScore")}${zh("city.pointsOf", { points: "7.00", max: "10.00" })}`,
  );
  await visit(staffPage, `/rounds/${roundId}/cities/ningbo/modules/Q`);
  await expect(
    staffPage.getByRole("status").filter({ hasText: zh("questionnaire.returnedBanner", { count: 1 }) }),
  ).toContainText(zh("questionnaire.returnComment", { comment: note }));
  const adjustment = item(staffPage, "Q1.1").getByRole("note", { name: zh("questionnaire.adjustmentLabel") });
  await expect(adjustment).toContainText(zh("questionnaire.adjustmentValue", { value: "50 %" }));
  await expect(adjustment).toContainText(zh("questionnaire.adjustmentReason", { reason }));
  await expect(adjustment).toContainText("初审"); // the stage's name
  await expect(staffPage.getByTestId("points-Q1.1")).toHaveText(
    zh("questionnaire.provisionalPoints", { points: "1.00", max: "2.00" }),
  );
  await expect(staffPage.getByTestId("module-points")).toHaveText(
    zh("questionnaire.pointsOf", { points: "7.00", max: "10.00" }),
  );
  await expect(staffPage.getByRole("region", { name: zh("questionnaire.timeline") })).toContainText(
    zh("questionnaire.timelineReturned", { version: 1, stage: "初审" }),
  );

  // The city fixes only the queried item, replies and resubmits.
  await item(staffPage, "Q1.3").getByLabel("已对接省级").check();
  await expect(item(staffPage, "Q1.3").getByRole("status").first()).toHaveText(zh("questionnaire.save.saved"));
  await replyToQuery(staffPage, "Q1.3", "已对接省级平台，附对接文件");
  await submitModule(staffPage);
  await expect(staffPage.getByText(zh("questionnaire.version", { version: 2 }), { exact: true })).toBeVisible();

  // 初审 sees the 核减 carried into version 2 and decides the changed Q1.3; both stages approve.
  await visit(reviewerPage, `/review/submissions/${submissionId}`);
  await expect(item(reviewerPage, "Q1.1")).toContainText(zh("review.carriedFrom", { version: 1 }));
  await expect(reviewerPage.getByTestId("review-points-Q1.1")).toHaveText(
    zh("questionnaire.provisionalPoints", { points: "1.00", max: "2.00" }),
  );
  await acceptItem(reviewerPage, "Q1.3");
  await approveStage(reviewerPage);
  await backToQueue(reviewerPage);
  approveThroughStages(submissionId, [finalReviewer]);

  await visit(staffPage, "/notifications");
  await expect(
    staffPage.getByText(
      zh("notifications.kinds.verifiedWithAdjustments", { module: "测试模块", version: 2, items: "Q1.1" }),
    ),
  ).toBeVisible();
  await expect(
    staffPage.getByText(
      zh("notifications.kinds.returnedWithNote", { module: "测试模块", version: 1, queries: 1, note }),
    ),
  ).toBeVisible();

  // Finalised: the export scores Q1.1 on 50 (1 of 2 points), not on the city's 80.
  await visit(adminPage, `/admin/rounds/${roundId}`);
  await finaliseRound(adminPage);
  await expectRoundStatus(adminPage, "finalised");
  const xlsx = await adminPage.request.get(`/api/rounds/${roundId}/export?format=xlsx`);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(await xlsx.body()) as unknown as ArrayBuffer);
  const rows = workbook.worksheets[1]!.getSheetValues().filter(Boolean) as unknown[][];
  const q11 = rows.find((r) => r.includes("Q1.1"))!;
  expect(q11).toContain(1);
  expect(q11.map(String)).toContain("50 %");

  // Results reach the city: a notification, its landing page, and an item-level scorecard that adds up.
  await visit(staffPage, "/notifications");
  const round = getRound(testDb(), roundId)!.name;
  await expect(
    staffPage.getByText(zh("notifications.kinds.resultsPublished", { round, points: "8.00", rank: 1, ranked: 1 })),
  ).toBeVisible();
  await visit(staffPage, "/city");
  const finished = staffPage.getByRole("region", { name: zh("city.finishedRounds") });
  await expect(finished).toContainText(zh("city.finalTotal", { points: "8.00" }));
  await expect(finished).toContainText(zh("city.finalRank", { rank: 1, of: 1 }));
  await finished.getByRole("link", { name: zh("city.scorecardLink") }).click();
  const scorecard = staffPage.getByTestId("scorecard-item-Q1.1");
  await expect(scorecard).toContainText("80 %");
  await expect(scorecard).toContainText("50 %");
  await expect(scorecard).toContainText("1.00 / 2.00");
  await expect(scorecard).toContainText(zh("review.decided.adjust"));
  await expect(scorecard).toContainText(reason);
  await expect(staffPage.getByTestId("module-subtotal-Q")).toHaveText(
    zh("report.subtotal", { points: "8.00", max: "10.00" }),
  );
});
