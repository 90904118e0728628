import ExcelJS from "exceljs";
import { approveThroughStages, createTestRound, createUser, expect, fillAndSubmit, test, visit } from "./fixtures";
import { item } from "./pages/questionnaire";

test("a 核减 survives the city's resubmission: the city reads the return note and the adjustment, and Q1.1 is finalised on the adjusted value", async ({
  pageFor,
  adminPage,
}) => {
  // Two review rounds at two stages, the city's revision, finalisation and the export: three times the budget.
  test.slow();
  const { roundId, reviewer, finalReviewer } = await createTestRound(["ningbo"]);
  const staff = await createUser("city_staff", "ningbo");
  const submissionId = fillAndSubmit(roundId, staff);

  // 初审 adjusts Q1.1 (80 → 50 %) with a reason, queries Q1.3 and returns the module with a note.
  const reviewerPage = await pageFor(reviewer);
  await visit(reviewerPage, `/review/submissions/${submissionId}`);
  await item(reviewerPage, "Q1.1").getByRole("button", { name: "核减" }).click();
  await item(reviewerPage, "Q1.1").getByLabel("核定值").fill("50");
  await item(reviewerPage, "Q1.1").getByLabel("核减原因（必填）").fill("按统计局口径核减");
  await item(reviewerPage, "Q1.1").getByRole("button", { name: "保存核减" }).click();
  await expect(reviewerPage.getByTestId("review-points-Q1.1")).toHaveText("暂估 1 / 2 分");
  await item(reviewerPage, "Q1.3").getByRole("button", { name: "提出问题" }).click();
  await item(reviewerPage, "Q1.3").getByLabel("问题内容（城市须回复）").fill("平台是否已对接省级？请提供对接文件");
  await item(reviewerPage, "Q1.3").getByRole("button", { name: "保存问题" }).click();
  await expect(item(reviewerPage, "Q1.3").getByText("已提问")).toBeVisible();
  await reviewerPage.getByLabel("退回说明（可选）").fill("Q1.3 请补充对接证明");
  await reviewerPage.getByRole("button", { name: "退回修改" }).click();
  await expect(reviewerPage.getByRole("heading", { level: 1, name: "评审队列" })).toBeVisible();

  // The city reads why: on its dashboard, the module page (banner, the 核减 next to Q1.1, history) and its notifications.
  const staffPage = await pageFor(staff);
  await visit(staffPage, `/rounds/${roundId}/cities/ningbo`);
  const card = staffPage.getByRole("listitem").filter({ hasText: "测试模块" });
  await expect(card.getByRole("note")).toContainText("退回说明：“Q1.3 请补充对接证明”");
  await expect(card).toContainText("评审核减了 1 项");
  await expect(card).toContainText("暂估得分7 / 10 分");
  await visit(staffPage, `/rounds/${roundId}/cities/ningbo/modules/Q`);
  await expect(staffPage.getByRole("status").filter({ hasText: "本模块已退回修改" })).toContainText(
    "退回说明：“Q1.3 请补充对接证明”",
  );
  const adjustment = item(staffPage, "Q1.1").getByRole("note", { name: "评审核减" });
  await expect(adjustment).toContainText("评审核减：核定值为 50 %");
  await expect(adjustment).toContainText("核减原因：按统计局口径核减");
  await expect(adjustment).toContainText("初审");
  await expect(staffPage.getByTestId("points-Q1.1")).toHaveText("暂估 1 / 2 分");
  await expect(staffPage.getByTestId("module-points")).toHaveText("7 / 10 分");
  await expect(staffPage.getByRole("region", { name: "办理记录" })).toContainText("第 1 版初审退回修改");

  // The city fixes only the queried item, replies and resubmits.
  await item(staffPage, "Q1.3").getByLabel("已对接省级").check();
  await expect(item(staffPage, "Q1.3").getByRole("status").first()).toHaveText("已保存");
  await item(staffPage, "Q1.3").getByLabel("回复评审意见").fill("已对接省级平台，附对接文件");
  await item(staffPage, "Q1.3").getByRole("button", { name: "发送回复" }).click();
  await expect(item(staffPage, "Q1.3").getByText("已回复")).toBeVisible();
  await staffPage.getByRole("button", { name: "提交本模块" }).click();
  await expect(staffPage.getByText("第 2 版", { exact: true })).toBeVisible();

  // 初审 sees the 核减 carried into version 2 and decides the changed Q1.3; both stages approve.
  await visit(reviewerPage, `/review/submissions/${submissionId}`);
  await expect(item(reviewerPage, "Q1.1")).toContainText("（沿用第 1 版的决定）");
  await expect(reviewerPage.getByTestId("review-points-Q1.1")).toHaveText("暂估 1 / 2 分");
  await item(reviewerPage, "Q1.3").getByRole("button", { name: "通过", exact: true }).click();
  await expect(item(reviewerPage, "Q1.3").getByText("已通过")).toBeVisible();
  await reviewerPage.getByRole("button", { name: "通过本阶段" }).click();
  await expect(reviewerPage.getByRole("heading", { level: 1, name: "评审队列" })).toBeVisible();
  approveThroughStages(submissionId, [finalReviewer]);

  await visit(staffPage, "/notifications");
  await expect(
    staffPage.getByText("「测试模块」第 2 版已核定，其中 Q1.1 经评审核减，得分按核定值计算。请查看核减原因。"),
  ).toBeVisible();
  await expect(
    staffPage.getByText("「测试模块」第 1 版被退回修改（1 项问题）。退回说明：“Q1.3 请补充对接证明”请查看并重新提交。"),
  ).toBeVisible();

  // Finalised: the export scores Q1.1 on 50 (1 of 2 points), not on the city's 80.
  await visit(adminPage, `/admin/rounds/${roundId}`);
  await adminPage.getByRole("button", { name: "定稿并计算最终得分" }).click();
  await adminPage
    .getByRole("dialog", { name: "确认定稿并计算最终得分？" })
    .getByRole("button", { name: "确认定稿" })
    .click();
  await expect(adminPage.getByText("已定稿", { exact: true })).toBeVisible();
  const xlsx = await adminPage.request.get(`/api/rounds/${roundId}/export?format=xlsx`);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(await xlsx.body()) as unknown as ArrayBuffer);
  const rows = workbook.worksheets[1]!.getSheetValues().filter(Boolean) as unknown[][];
  const q11 = rows.find((r) => r.includes("Q1.1"))!;
  expect(q11).toContain(1);
  expect(q11.map(String)).toContain("50 %");

  // Results reach the city: a notification, its landing page, and an item-level scorecard that adds up.
  await visit(staffPage, "/notifications");
  await expect(staffPage.getByRole("listitem").filter({ hasText: "结果已发布" })).toContainText(
    "本市总分 8 分，排名 1 / 1",
  );
  await visit(staffPage, "/city");
  const finished = staffPage.getByRole("region", { name: "已定稿的评估轮次" });
  await expect(finished).toContainText("总分 8 分");
  await expect(finished).toContainText("排名 1 / 1");
  await finished.getByRole("link", { name: "查看得分明细" }).click();
  await expect(staffPage.getByTestId("scorecard-item-Q1.1")).toContainText("80 %");
  await expect(staffPage.getByTestId("scorecard-item-Q1.1")).toContainText("50 %");
  await expect(staffPage.getByTestId("scorecard-item-Q1.1")).toContainText("1 / 2");
  await expect(staffPage.getByTestId("scorecard-item-Q1.1")).toContainText("核减");
  await expect(staffPage.getByTestId("scorecard-item-Q1.1")).toContainText("按统计局口径核减");
  await expect(staffPage.getByTestId("module-subtotal-Q")).toHaveText("小计 8 / 10 分");
});
