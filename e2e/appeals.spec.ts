import type { Page } from "@playwright/test";
import { decideItem } from "@/db/item-decisions";
import {
  approveThroughStages,
  createTestRound,
  createUser,
  expect,
  fillAndSubmit,
  itemIdOf,
  type TestUser,
  test,
  testDb,
  visit,
} from "./fixtures";

const row = (page: Page, code: string) => page.getByTestId(`scorecard-item-${code}`);
const asSession = (u: TestUser) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  cityId: u.cityId,
  locale: "zh-CN" as const,
});

test("preliminary results and appeals: one amended by the stage that adjusted, one upheld by the last stage; finalising waits for both", async ({
  pageFor,
  adminPage,
}) => {
  // Four users across settings, filing, two decisions and finalisation: three times the budget.
  test.slow();
  const { roundId, reviewer, finalReviewer } = await createTestRound(["wuhu"]);
  const staff = await createUser("city_staff", "wuhu");
  const submissionId = fillAndSubmit(roundId, staff);
  // 初审 adjusted Q1.1 (80 → 50 %) and both stages approved: the module is verified.
  expect(
    decideItem(testDb(), asSession(reviewer), {
      submissionId,
      itemId: itemIdOf(roundId, "Q1.1"),
      version: 1,
      action: "adjust",
      adjustedValue: 50,
      comment: "按统计局口径核减",
    }).ok,
  ).toBe(true);
  approveThroughStages(submissionId, [reviewer, finalReviewer]);

  // The admin publishes preliminary results with a correction window.
  await visit(adminPage, `/admin/rounds/${roundId}`);
  const settings = adminPage.getByRole("form", { name: "轮次设置" });
  await settings.getByLabel("向各城市发布初步结果（仅本市得分明细）").check();
  await settings.getByLabel("复核申诉截止日期").fill("2099-12-31");
  await settings.getByRole("button", { name: "保存设置" }).click();
  await expect(settings.getByRole("status")).toHaveText("已保存（变更已记入审计日志）。");

  // The city sees its preliminary scorecard and appeals two items.
  const staffPage = await pageFor(staff);
  await visit(staffPage, `/rounds/${roundId}/cities/wuhu`);
  await staffPage.getByRole("link", { name: "查看初步结果" }).click();
  await expect(staffPage.getByTestId("preliminary-total")).toHaveText("初步总分：7 分");
  await expect(row(staffPage, "Q1.1")).toContainText("1 / 2");
  await staffPage.getByRole("button", { name: "对 Q1.1 光纤覆盖率 提出复核申诉" }).click();
  const q11 = staffPage.getByRole("form", { name: "对 Q1.1 光纤覆盖率 提出复核申诉" });
  await q11.getByRole("button", { name: "提交申诉" }).click();
  await expect(q11).toContainText("必须填写原因。");
  await q11.getByLabel("申诉理由（必填）").fill("50% 为 2018 年口径，2019 年统计公报为 70%");
  await q11.getByLabel("新的佐证链接（可选）").fill("https://stats.wuhu.example.gov.cn/2019/bulletin");
  await q11.getByRole("button", { name: "提交申诉" }).click();
  await expect(staffPage.getByText("申诉待处理").first()).toBeVisible();
  await staffPage.getByRole("button", { name: "对 Q1.2 是否建成政务云 提出复核申诉" }).click();
  const q12 = staffPage.getByRole("form", { name: "对 Q1.2 是否建成政务云 提出复核申诉" });
  await q12.getByLabel("申诉理由（必填）").fill("政务云已于 2019 年 6 月验收");
  await q12.getByRole("button", { name: "提交申诉" }).click();
  await expect(staffPage.getByText("申诉待处理")).toHaveCount(2);

  // Finalising is refused while the appeals are open.
  await visit(adminPage, `/admin/rounds/${roundId}`);
  await expect(adminPage.getByRole("heading", { name: "复核申诉（待处理 2 / 共 2）" })).toBeVisible();
  await adminPage.getByRole("button", { name: "定稿并计算最终得分" }).click();
  await adminPage
    .getByRole("dialog", { name: "确认定稿并计算最终得分？" })
    .getByRole("button", { name: "确认定稿" })
    .click();
  await expect(adminPage.getByRole("dialog")).toBeHidden();
  await expect(adminPage.getByRole("region", { name: "定稿" }).getByRole("alert")).toHaveText(
    "仍有复核申诉未处理，不能定稿。",
  );

  // 初审 (whose 核减 is in force) amends Q1.1; 复审 (the last stage, which accepted Q1.2) upholds it.
  const reviewerPage = await pageFor(reviewer);
  await visit(reviewerPage, "/review/appeals");
  const amend = reviewerPage.getByRole("form", { name: /Q1\.1/ });
  await expect(reviewerPage.getByRole("form")).toHaveCount(1);
  await amend.getByLabel("更正核定值").check();
  await amend.getByLabel("更正后的核定值").fill("70");
  await amend.getByLabel("处理意见（必填，城市可见）").fill("核实 2019 年公报，更正为 70%");
  await amend.getByRole("button", { name: "保存处理结果" }).click();
  await expect(reviewerPage.getByText("目前没有等待您处理的复核申诉。")).toBeVisible();
  const finalPage = await pageFor(finalReviewer);
  await visit(finalPage, "/review/appeals");
  const uphold = finalPage.getByRole("form", { name: /Q1\.2/ });
  await uphold.getByLabel("处理意见（必填，城市可见）").fill("验收文件日期在数据截止日之后，维持原决定");
  await uphold.getByRole("button", { name: "保存处理结果" }).click();
  await expect(finalPage.getByText("目前没有等待您处理的复核申诉。")).toBeVisible();

  // The city reads both outcomes; the amendment is scored (Q1.1: 70 % → 1.4 of 2 points).
  await visit(staffPage, `/rounds/${roundId}/cities/wuhu/results`);
  await expect(staffPage.getByText("申诉获支持，已更正")).toBeVisible();
  await expect(staffPage.getByText("更正为 70 %。评审意见：核实 2019 年公报，更正为 70%")).toBeVisible();
  await expect(staffPage.getByText("评审意见：验收文件日期在数据截止日之后，维持原决定")).toBeVisible();
  await expect(row(staffPage, "Q1.1")).toContainText("1.4 / 2");
  await expect(staffPage.getByTestId("preliminary-total")).toHaveText("初步总分：7.4 分");
  await visit(staffPage, "/notifications");
  await expect(
    staffPage.getByText("Q1.1 的复核申诉获支持，核定值已更正。评审意见：“核实 2019 年公报，更正为 70%”"),
  ).toBeVisible();
  await expect(
    staffPage.getByText("Q1.2 的复核申诉未获支持，维持原决定。评审意见：“验收文件日期在数据截止日之后，维持原决定”"),
  ).toBeVisible();

  // With no appeal open, the round finalises on the amended value.
  await visit(adminPage, `/admin/rounds/${roundId}`);
  await adminPage.getByRole("button", { name: "定稿并计算最终得分" }).click();
  await adminPage
    .getByRole("dialog", { name: "确认定稿并计算最终得分？" })
    .getByRole("button", { name: "确认定稿" })
    .click();
  await expect(adminPage.getByText("已定稿", { exact: true })).toBeVisible();
  await visit(staffPage, `/rounds/${roundId}/report/cities/wuhu`);
  await expect(row(staffPage, "Q1.1")).toContainText("70 %");
  await expect(row(staffPage, "Q1.1")).toContainText("1.4 / 2");
});
