import type { Page } from "@playwright/test";
import { and, eq } from "drizzle-orm";
import { modules, reviewAssignments, reviewStages } from "@/db/schema";
import { createTestRound, createUser, expect, fillAndSubmit, test, testDb, visit } from "./fixtures";
import { item } from "./pages/questionnaire";

/** A decision redirects to the queue: wait until the queue is shown, so that no navigation is still under way. */
async function backToQueue(page: Page) {
  await expect(page).toHaveURL(/\/review$/);
  await expect(page.getByRole("heading", { level: 1, name: "评审队列" })).toBeVisible();
}

test("query → return → the city fixes the queried item and replies → resubmit → diff → approve → adjust → verified", async ({
  pageFor,
}) => {
  // Two stages, two rounds of review and the city's revision, as four users: three times the budget.
  test.slow();
  const { roundId, reviewer, finalReviewer } = await createTestRound(["wenzhou"]);
  const staff = await createUser("city_staff", "wenzhou");
  const submissionId = fillAndSubmit(roundId, staff);
  const reviewerPage = await pageFor(reviewer);
  const staffPage = await pageFor(staff);

  // Stage 1: the submission is in the queue; the reviewer queries Q1.1 and returns the module.
  await visit(reviewerPage, "/review");
  await reviewerPage.getByRole("link", { name: "温州" }).click();
  await expect(reviewerPage).toHaveURL(new RegExp(`/review/submissions/${submissionId}$`));
  await expect(reviewerPage.getByTestId("answer-Q1.1")).toHaveText("80 %");
  await item(reviewerPage, "Q1.1").getByRole("button", { name: "提出问题" }).click();
  await item(reviewerPage, "Q1.1").getByLabel("问题内容（城市须回复）").fill("请提供统计公报原文页");
  await item(reviewerPage, "Q1.1").getByRole("button", { name: "保存问题" }).click();
  await expect(item(reviewerPage, "Q1.1").getByText("已提问")).toBeVisible();
  await reviewerPage.getByRole("button", { name: "退回修改" }).click();
  await backToQueue(reviewerPage);

  // The city sees the return, the query pinned to its item, and only that item open.
  await visit(staffPage, `/rounds/${roundId}/cities/wenzhou`);
  await expect(staffPage.getByRole("listitem").filter({ hasText: "测试模块" })).toContainText("已退回修改");
  await visit(staffPage, `/rounds/${roundId}/cities/wenzhou/modules/Q`);
  await expect(item(staffPage, "Q1.1").getByRole("note")).toContainText("请提供统计公报原文页");
  await expect(item(staffPage, "Q1.3").getByLabel("已建成")).toBeDisabled();
  await item(staffPage, "Q1.1").getByRole("textbox", { name: "光纤覆盖率", exact: true }).fill("76.4");
  await expect(item(staffPage, "Q1.1").getByRole("status").first()).toHaveText("已保存");
  await item(staffPage, "Q1.1").getByLabel("回复评审意见").fill("已按统计公报更正为76.4%");
  await item(staffPage, "Q1.1").getByRole("button", { name: "发送回复" }).click();
  await expect(item(staffPage, "Q1.1").getByText("已回复")).toBeVisible();
  await staffPage.getByRole("button", { name: "提交本模块" }).click();
  await expect(staffPage.getByText("第 2 版", { exact: true })).toBeVisible();

  // Stage 1 again: the diff since version 1, filtered to changed items, then approval.
  await visit(reviewerPage, `/review/submissions/${submissionId}`);
  await expect(reviewerPage.getByText("上一版为第 1 版")).toBeVisible();
  await reviewerPage.getByRole("link", { name: "只看有变化的项" }).click();
  await expect(reviewerPage.getByRole("region", { name: /^Q1\.\d/ })).toHaveCount(1);
  await expect(item(reviewerPage, "Q1.1")).toContainText("上一版：80 %");
  await expect(item(reviewerPage, "Q1.1")).toContainText("城市回复：已按统计公报更正为76.4%");
  await expect(reviewerPage.getByTestId("answer-Q1.1")).toHaveText("76.4 %");
  // The city changed the item this stage queried: approval waits for a fresh decision on it.
  await expect(item(reviewerPage, "Q1.1").getByText("已修改，需重新决定")).toBeVisible();
  await reviewerPage.getByRole("button", { name: "通过本阶段" }).click();
  await expect(reviewerPage.getByRole("complementary").getByRole("alert")).toHaveText(
    "城市修改过的指标项须先作出决定，才能通过本阶段。",
  );
  await item(reviewerPage, "Q1.1").getByRole("button", { name: "通过", exact: true }).click();
  await expect(item(reviewerPage, "Q1.1").getByText("已通过")).toBeVisible();
  await reviewerPage.getByRole("button", { name: "通过本阶段" }).click();
  await backToQueue(reviewerPage);

  // Stage 2: another reviewer adjusts Q1.1 with a reason and approves; the module is verified.
  const finalPage = await pageFor(finalReviewer);
  await visit(finalPage, `/review/submissions/${submissionId}`);
  await item(finalPage, "Q1.1").getByRole("button", { name: "核减" }).click();
  await item(finalPage, "Q1.1").getByLabel("核定值").fill("50");
  await item(finalPage, "Q1.1").getByLabel("核减原因（必填）").fill("按统计局口径核减");
  await item(finalPage, "Q1.1").getByRole("button", { name: "保存核减" }).click();
  await expect(finalPage.getByTestId("review-points-Q1.1")).toHaveText("暂估 1 / 2 分");
  await expect(item(finalPage, "Q1.1")).toContainText("核减为：50 % — 按统计局口径核减");
  await finalPage.getByRole("button", { name: "通过本阶段" }).click();
  await backToQueue(finalPage);
  await visit(finalPage, `/review/submissions/${submissionId}`);
  await expect(finalPage.getByText("已核定").first()).toBeVisible();
  await expect(finalPage.getByTestId("review-points-Q1.1")).toHaveText("暂估 1 / 2 分");
  await expect(finalPage.getByTestId("answer-Q1.1")).toHaveText("76.4 %");

  // Read-only for the city, which was notified.
  await visit(staffPage, `/rounds/${roundId}/cities/wenzhou/modules/Q`);
  await expect(staffPage.getByText("已核定")).toBeVisible();
  await expect(item(staffPage, "Q1.1").getByRole("textbox", { name: "光纤覆盖率", exact: true })).toBeDisabled();
  await visit(staffPage, "/notifications");
  await expect(
    staffPage.getByText("「测试模块」第 2 版已核定，其中 Q1.1 经评审核减，得分按核定值计算。请查看核减原因。"),
  ).toBeVisible();

  // Only an admin reopens it, with a reason: version 3 goes back to the first stage.
  const adminPage = await pageFor(await createUser("admin"));
  await visit(adminPage, `/review/submissions/${submissionId}`);
  await adminPage.getByRole("button", { name: "重新打开评审" }).click();
  await expect(adminPage.locator("form").getByRole("alert")).toHaveText("必须填写原因。");
  await adminPage.getByLabel("重新打开的原因（必填）").fill("抽查发现口径问题");
  await adminPage.getByRole("button", { name: "重新打开评审" }).click();
  await adminPage
    .getByRole("dialog", { name: "确认重新打开该模块的评审？" })
    .getByRole("button", { name: "确认重新打开" })
    .click();
  await expect(adminPage.getByText("第 3 版", { exact: true })).toBeVisible();
  await expect(adminPage.getByRole("complementary")).toContainText("重新打开评审");
});

test("an admin assigns and removes reviewers per module and stage on the round page", async ({ adminPage: page }) => {
  const { roundId } = await createTestRound(["jinhua"]);
  const newcomer = await createUser("reviewer");
  await visit(page, `/admin/rounds/${roundId}`);
  await page.getByLabel("为 Q · 复审 选择专家").selectOption({ label: newcomer.name });
  await page
    .getByRole("row", { name: /测试模块/ })
    .getByRole("button", { name: "添加" })
    .nth(1)
    .click();
  await expect(page.getByRole("button", { name: `移除 Q · 复审 的 ${newcomer.name}` })).toBeVisible();
  await page.getByRole("button", { name: `移除 Q · 复审 的 ${newcomer.name}` }).click();
  await expect(page.getByRole("button", { name: `移除 Q · 复审 的 ${newcomer.name}` })).toHaveCount(0);
});

test("a reviewer not assigned to the module is refused, and so are city staff", async ({ pageFor }) => {
  const { roundId } = await createTestRound(["jiaxing"]);
  const submissionId = fillAndSubmit(roundId, await createUser("city_staff", "jiaxing"));
  const outsider = await pageFor(await createUser("reviewer"));
  expect((await visit(outsider, `/review/submissions/${submissionId}`))?.status()).toBe(404);
  await visit(outsider, "/review");
  await expect(outsider.getByText("目前没有等待您评审的提交。")).toBeVisible();

  const staffPage = await pageFor(await createUser("city_staff", "jiaxing"));
  expect((await visit(staffPage, `/review/submissions/${submissionId}`))?.status()).toBe(404);
});

test("two reviewers approving the same submission at once: exactly one succeeds and the other is told why", async ({
  pageFor,
}) => {
  const { roundId, reviewer } = await createTestRound(["taizhou"]);
  const colleague = await createUser("reviewer");
  const db = testDb();
  const stage = db
    .select()
    .from(reviewStages)
    .where(and(eq(reviewStages.roundId, roundId), eq(reviewStages.position, 1)))
    .get()!;
  const mod = db.select().from(modules).where(eq(modules.roundId, roundId)).get()!;
  db.insert(reviewAssignments).values({ roundId, moduleId: mod.id, stageId: stage.id, reviewerId: colleague.id }).run();
  const submissionId = fillAndSubmit(roundId, await createUser("city_staff", "taizhou"));

  const pages = await Promise.all(
    [reviewer, colleague].map(async (user) => {
      const page = await pageFor(user);
      await visit(page, `/review/submissions/${submissionId}`);
      return page;
    }),
  );
  await Promise.all(pages.map((page) => page.getByRole("button", { name: "通过本阶段" }).click()));
  const outcomes = await Promise.all(
    pages.map((page) =>
      Promise.race([
        page.waitForURL(/\/review$/).then(() => "approved"),
        page
          .getByRole("complementary")
          .getByRole("alert")
          .waitFor()
          .then(() => "refused"),
      ]),
    ),
  );
  expect([...outcomes].sort()).toEqual(["approved", "refused"]);
  const refused = pages[outcomes.indexOf("refused")]!;
  await expect(refused.getByRole("complementary").getByRole("alert")).toHaveText(
    "该提交已由其他专家处理或已有新版本，请刷新后查看。",
  );
});
