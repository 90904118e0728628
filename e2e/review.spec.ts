import { and, eq } from "drizzle-orm";
import { modules, reviewAssignments, reviewStages } from "@/db/schema";
import { createTestRound, createUser, expect, fillAndSubmit, test, testDb, visit } from "./fixtures";
import { zh } from "./messages";
import { item, replyToQuery, submitModule } from "./pages/questionnaire";
import { acceptItem, adjustItem, approveStage, backToQueue, queryItem, returnModule } from "./pages/review";

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
  const reply = "已按统计公报更正为76.4%";

  // Stage 1: the submission is in the queue; the reviewer queries Q1.1 and returns the module.
  await visit(reviewerPage, "/review");
  await reviewerPage.getByRole("link", { name: "温州" }).click();
  await expect(reviewerPage).toHaveURL(new RegExp(`/review/submissions/${submissionId}$`));
  await expect(reviewerPage.getByTestId("answer-Q1.1")).toHaveText("80 %");
  await queryItem(reviewerPage, "Q1.1", "请提供统计公报原文页");
  await returnModule(reviewerPage);

  // The city sees the return, the query pinned to its item, and only that item open.
  await visit(staffPage, `/rounds/${roundId}/cities/wenzhou`);
  await expect(staffPage.getByRole("listitem").filter({ hasText: "测试模块" })).toContainText(zh("status.returned"));
  await visit(staffPage, `/rounds/${roundId}/cities/wenzhou/modules/Q`);
  await expect(item(staffPage, "Q1.1").getByRole("note")).toContainText("请提供统计公报原文页");
  await expect(item(staffPage, "Q1.3").getByLabel("已建成")).toBeDisabled();
  await item(staffPage, "Q1.1").getByRole("textbox", { name: "光纤覆盖率", exact: true }).fill("76.4");
  await expect(item(staffPage, "Q1.1").getByRole("status").first()).toHaveText(zh("questionnaire.save.saved"));
  await replyToQuery(staffPage, "Q1.1", reply);
  await submitModule(staffPage);
  await expect(staffPage.getByText(zh("questionnaire.version", { version: 2 }), { exact: true })).toBeVisible();

  // Stage 1 again: the diff since version 1, filtered to changed items, then approval.
  await visit(reviewerPage, `/review/submissions/${submissionId}`);
  await expect(reviewerPage.getByText(zh("review.resubmitted", { previous: 1, changed: 1 }))).toBeVisible();
  await reviewerPage.getByRole("link", { name: zh("review.showChanged") }).click();
  await expect(reviewerPage.getByRole("region", { name: /^Q1\.\d/ })).toHaveCount(1);
  await expect(item(reviewerPage, "Q1.1")).toContainText(`${zh("review.before")}80 %`);
  await expect(item(reviewerPage, "Q1.1")).toContainText(zh("review.cityReply", { reply }));
  await expect(reviewerPage.getByTestId("answer-Q1.1")).toHaveText("76.4 %");
  // The city changed the item this stage queried: approval waits for a fresh decision on it.
  await expect(item(reviewerPage, "Q1.1").getByText(zh("review.needsDecision"))).toBeVisible();
  await approveStage(reviewerPage);
  await expect(reviewerPage.getByRole("complementary").getByRole("alert")).toHaveText(
    zh("errors.decideChangedItemsFirst"),
  );
  await acceptItem(reviewerPage, "Q1.1");
  await approveStage(reviewerPage);
  await backToQueue(reviewerPage);

  // Stage 2: another reviewer adjusts Q1.1 with a reason and approves; the module is verified.
  const finalPage = await pageFor(finalReviewer);
  await visit(finalPage, `/review/submissions/${submissionId}`);
  await adjustItem(finalPage, "Q1.1", "50", "按统计局口径核减");
  await expect(finalPage.getByTestId("review-points-Q1.1")).toHaveText(
    zh("questionnaire.provisionalPoints", { points: "1.00", max: "2.00" }),
  );
  await expect(item(finalPage, "Q1.1")).toContainText(
    `${zh("review.adjustedBy", { name: finalReviewer.name, stage: 2 })}50 % — 按统计局口径核减`,
  );
  await approveStage(finalPage);
  await backToQueue(finalPage);
  await visit(finalPage, `/review/submissions/${submissionId}`);
  await expect(finalPage.getByText(zh("status.verified")).first()).toBeVisible();
  await expect(finalPage.getByTestId("review-points-Q1.1")).toHaveText(
    zh("questionnaire.provisionalPoints", { points: "1.00", max: "2.00" }),
  );
  await expect(finalPage.getByTestId("answer-Q1.1")).toHaveText("76.4 %");

  // Read-only for the city, which was notified.
  await visit(staffPage, `/rounds/${roundId}/cities/wenzhou/modules/Q`);
  await expect(staffPage.getByText(zh("status.verified"))).toBeVisible();
  await expect(item(staffPage, "Q1.1").getByRole("textbox", { name: "光纤覆盖率", exact: true })).toBeDisabled();
  await visit(staffPage, "/notifications");
  await expect(
    staffPage.getByText(
      zh("notifications.kinds.verifiedWithAdjustments", { module: "测试模块", version: 2, items: "Q1.1" }),
    ),
  ).toBeVisible();

  // Only an admin reopens it, with a reason: version 3 goes back to the first stage.
  const admin = await createUser("admin");
  const adminPage = await pageFor(admin);
  await visit(adminPage, `/review/submissions/${submissionId}`);
  await adminPage.getByRole("button", { name: zh("review.reopen") }).click();
  await expect(adminPage.locator("form").getByRole("alert")).toHaveText(zh("errors.reasonRequired"));
  await adminPage.getByLabel(zh("review.reopenReason")).fill("抽查发现口径问题");
  await adminPage.getByRole("button", { name: zh("review.reopen") }).click();
  await adminPage
    .getByRole("dialog", { name: zh("review.confirmReopenTitle") })
    .getByRole("button", { name: zh("review.confirmReopen") })
    .click();
  await expect(adminPage.getByText(zh("questionnaire.version", { version: 3 }), { exact: true })).toBeVisible();
  await expect(adminPage.getByRole("complementary")).toContainText(
    zh("review.events.submission_reopened", { name: admin.name }),
  );
});

test("an admin assigns and removes reviewers per module and stage on the round page", async ({ adminPage: page }) => {
  const { roundId } = await createTestRound(["jinhua"]);
  const newcomer = await createUser("reviewer");
  await visit(page, `/admin/rounds/${roundId}`);
  await page.getByLabel(zh("assignments.choose", { cell: "Q · 复审" })).selectOption({ label: newcomer.name });
  await page
    .getByRole("row", { name: /测试模块/ })
    .getByRole("button", { name: zh("assignments.add") })
    .nth(1)
    .click();
  const remove = page.getByRole("button", {
    name: zh("assignments.remove", { cell: "Q · 复审", name: newcomer.name }),
  });
  await expect(remove).toBeVisible();
  await remove.click();
  await expect(remove).toHaveCount(0);
});

test("a reviewer not assigned to the module is refused, and so are city staff", async ({ pageFor }) => {
  const { roundId } = await createTestRound(["jiaxing"]);
  const submissionId = fillAndSubmit(roundId, await createUser("city_staff", "jiaxing"));
  const outsider = await pageFor(await createUser("reviewer"));
  expect((await visit(outsider, `/review/submissions/${submissionId}`))?.status()).toBe(404);
  await visit(outsider, "/review");
  await expect(outsider.getByText(zh("review.empty"))).toBeVisible();

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
  await Promise.all(pages.map((page) => approveStage(page)));
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
  await expect(refused.getByRole("complementary").getByRole("alert")).toHaveText(zh("errors.alreadyDecided"));
});
