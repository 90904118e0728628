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
import { zh } from "./messages";
import { expectRoundStatus, finalisePanel, finaliseRound, roundSettings, saveSettings } from "./pages/admin-round";

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
  const settings = roundSettings(adminPage);
  await settings.getByLabel(zh("rounds.preliminaryResults")).check();
  await settings.getByLabel(zh("rounds.appealDeadline")).fill("2099-12-31");
  await saveSettings(adminPage);

  // The city sees its preliminary scorecard and appeals two items.
  const staffPage = await pageFor(staff);
  await visit(staffPage, `/rounds/${roundId}/cities/wuhu`);
  await staffPage.getByRole("link", { name: zh("city.preliminaryLink") }).click();
  await expect(staffPage.getByTestId("preliminary-total")).toHaveText(zh("appeals.total", { points: "7.00" }));
  await expect(row(staffPage, "Q1.1")).toContainText("1.00 / 2.00");
  await staffPage.getByRole("button", { name: zh("appeals.file", { item: "Q1.1 光纤覆盖率" }) }).click();
  const q11 = staffPage.getByRole("form", { name: zh("appeals.file", { item: "Q1.1 光纤覆盖率" }) });
  await q11.getByRole("button", { name: zh("appeals.submit") }).click();
  await expect(q11).toContainText(zh("errors.reasonRequired"));
  await q11.getByLabel(zh("appeals.reason")).fill("50% 为 2018 年口径，2019 年统计公报为 70%");
  await q11.getByLabel(zh("appeals.evidenceUrl")).fill("https://stats.wuhu.example.gov.cn/2019/bulletin");
  await q11.getByRole("button", { name: zh("appeals.submit") }).click();
  await expect(staffPage.getByText(zh("appeals.status.open")).first()).toBeVisible();
  await staffPage.getByRole("button", { name: zh("appeals.file", { item: "Q1.2 是否建成政务云" }) }).click();
  const q12 = staffPage.getByRole("form", { name: zh("appeals.file", { item: "Q1.2 是否建成政务云" }) });
  await q12.getByLabel(zh("appeals.reason")).fill("政务云已于 2019 年 6 月验收");
  await q12.getByRole("button", { name: zh("appeals.submit") }).click();
  await expect(staffPage.getByText(zh("appeals.status.open"))).toHaveCount(2);

  // Finalising is refused while the appeals are open.
  await visit(adminPage, `/admin/rounds/${roundId}`);
  await expect(
    adminPage.getByRole("heading", { name: zh("appeals.roundTitle", { open: "2", total: "2" }) }),
  ).toBeVisible();
  await finaliseRound(adminPage);
  await expect(finalisePanel(adminPage).getByRole("alert")).toHaveText(zh("errors.appealsOpen"));

  // 初审 (whose 核减 is in force) amends Q1.1; 复审 (the last stage, which accepted Q1.2) upholds it.
  const reviewerPage = await pageFor(reviewer);
  await visit(reviewerPage, "/review/appeals");
  const amend = reviewerPage.getByRole("form", { name: /Q1\.1/ });
  await expect(reviewerPage.getByRole("form")).toHaveCount(1);
  await amend.getByLabel(zh("appeals.outcomes.amended")).check();
  await amend.getByLabel(zh("appeals.amendedValue")).fill("70");
  await amend.getByLabel(zh("appeals.decisionReason")).fill("核实 2019 年公报，更正为 70%");
  await amend.getByRole("button", { name: zh("appeals.saveDecision") }).click();
  await expect(reviewerPage.getByText(zh("appeals.queueEmpty"))).toBeVisible();
  const finalPage = await pageFor(finalReviewer);
  await visit(finalPage, "/review/appeals");
  const uphold = finalPage.getByRole("form", { name: /Q1\.2/ });
  await uphold.getByLabel(zh("appeals.decisionReason")).fill("验收文件日期在数据截止日之后，维持原决定");
  await uphold.getByRole("button", { name: zh("appeals.saveDecision") }).click();
  await expect(finalPage.getByText(zh("appeals.queueEmpty"))).toBeVisible();

  // The city reads both outcomes; the amendment is scored (Q1.1: 70 % → 1.4 of 2 points).
  await visit(staffPage, `/rounds/${roundId}/cities/wuhu/results`);
  await expect(staffPage.getByText(zh("appeals.status.amended"))).toBeVisible();
  await expect(
    staffPage.getByText(zh("appeals.amendedTo", { value: "70 %", reason: "核实 2019 年公报，更正为 70%" })),
  ).toBeVisible();
  await expect(
    staffPage.getByText(zh("appeals.upheldBecause", { reason: "验收文件日期在数据截止日之后，维持原决定" })),
  ).toBeVisible();
  await expect(row(staffPage, "Q1.1")).toContainText("1.40 / 2.00");
  await expect(staffPage.getByTestId("preliminary-total")).toHaveText(zh("appeals.total", { points: "7.40" }));
  await visit(staffPage, "/notifications");
  await expect(
    staffPage.getByText(
      zh("notifications.kinds.appealAmended", { item: "Q1.1", reason: "核实 2019 年公报，更正为 70%" }),
    ),
  ).toBeVisible();
  await expect(
    staffPage.getByText(
      zh("notifications.kinds.appealUpheld", { item: "Q1.2", reason: "验收文件日期在数据截止日之后，维持原决定" }),
    ),
  ).toBeVisible();

  // With no appeal open, the round finalises on the amended value.
  await visit(adminPage, `/admin/rounds/${roundId}`);
  await finaliseRound(adminPage);
  await expectRoundStatus(adminPage, "finalised");
  await visit(staffPage, `/rounds/${roundId}/report/cities/wuhu`);
  await expect(row(staffPage, "Q1.1")).toContainText("70 %");
  await expect(row(staffPage, "Q1.1")).toContainText("1.40 / 2.00");
});
