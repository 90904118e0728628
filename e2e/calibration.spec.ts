import { decideItem } from "@/db/item-decisions";
import { approveSubmission } from "@/db/reviews";
import {
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
import { zh, zhPattern } from "./messages";
import { item } from "./pages/questionnaire";

const asSession = (u: TestUser) => ({ ...u, cityId: null, locale: "zh-CN" as const });

test("an admin has submissions reviewed blind a second time and reads how far the reviewers agree", async ({
  pageFor,
  adminPage,
}) => {
  const { roundId, reviewer } = await createTestRound(["changzhou", "xuzhou"]);
  const second = await createUser("reviewer");
  const submissions = [
    fillAndSubmit(roundId, await createUser("city_staff", "changzhou")),
    fillAndSubmit(roundId, await createUser("city_staff", "xuzhou")),
  ];
  // The first review of both: Q1.1 (80 %) adjusted to 70 with a reason, the rest accepted by approving the stage.
  for (const submissionId of submissions) {
    const adjusted = decideItem(testDb(), asSession(reviewer), {
      submissionId,
      itemId: itemIdOf(roundId, "Q1.1"),
      version: 1,
      action: "adjust",
      adjustedValue: 70,
      comment: "原审：按统计公报核减",
    });
    expect(adjusted.ok).toBe(true);
    expect(approveSubmission(testDb(), asSession(reviewer), submissionId, 1).ok).toBe(true);
  }

  // The admin draws every version reviewed at stage 1, for the reviewer who reviews none of this round's modules.
  await visit(adminPage, `/admin/rounds/${roundId}`);
  const section = adminPage.getByRole("region", { name: zh("calibration.heading") });
  const form = section.getByRole("form", { name: zh("calibration.draw") });
  await form.getByRole("button", { name: zh("calibration.draw") }).click();
  await expect(form.getByText(zh("errors.chooseReviewers"))).toBeVisible(); // nobody ticked yet
  await form.getByLabel(zh("calibration.share")).fill("100");
  await form.getByRole("checkbox", { name: second.name }).check();
  await form.getByRole("button", { name: zh("calibration.draw") }).click();
  // Drawing notifies the reviewers at once: it is confirmed first, saying what will be drawn for whom.
  const confirm = adminPage.getByRole("dialog", { name: zh("calibration.confirmDrawTitle") });
  await expect(confirm).toContainText(
    zh("calibration.confirmDrawBody", { stage: "第 1 阶段 · 初审", share: 100, count: 1 }),
  );
  await confirm.getByRole("button", { name: zh("calibration.confirmDraw") }).click();
  await expect(form.getByRole("status")).toHaveText(zh("calibration.drawn", { drawn: 2, candidates: 2 }));
  await expect(form.getByRole("checkbox", { name: second.name })).not.toBeChecked(); // the form starts over
  await expect(section.getByTestId("calibration-progress")).toHaveText(
    zh("calibration.progress", { done: 0, total: 2 }),
  );

  // The second reviewer finds both in their queue and opens Changzhou's: the version, never the first review.
  const page = await pageFor(second);
  await visit(page, "/review");
  const queue = page.getByRole("region", { name: zh("calibration.queueHeading") });
  await expect(queue.getByRole("listitem")).toHaveCount(2);
  await queue.getByRole("listitem").filter({ hasText: "常州" }).getByRole("link").click();
  await expect(page.getByRole("note")).toHaveText(zh("calibration.notice"));
  await expect(item(page, "Q1.1").getByTestId("answer-Q1.1")).toContainText("80");
  await expect(page.getByText("原审：按统计公报核减")).toHaveCount(0);

  // Completing before every item is decided is refused, naming what is left.
  await page.getByRole("button", { name: zh("calibration.complete") }).click();
  await page
    .getByRole("dialog")
    .getByRole("button", { name: zh("calibration.confirmComplete") })
    .click();
  const refusal = page.getByRole("region", { name: zh("calibration.complete") }).getByRole("alert");
  await expect(refusal).toContainText(zh("errors.decideAllFirst"));
  await expect(page.getByTestId("calibration-missing")).toHaveText(
    zh("calibration.missing", { items: "Q1.1、Q1.2、Q1.3、Q1.4、Q1.5、Q1.6" }),
  );

  // Q1.1 adjusted to 60 (not 70 as the first review), Q1.2 queried, the rest accepted.
  await item(page, "Q1.1")
    .getByRole("button", { name: zh("review.adjust") })
    .click();
  await item(page, "Q1.1").getByLabel(zh("review.adjustedValue")).fill("60");
  await item(page, "Q1.1").getByLabel(zh("review.adjustReason")).fill("校准：按口径应为 60%");
  await item(page, "Q1.1")
    .getByRole("button", { name: zh("review.saveAdjustment") })
    .click();
  await expect(page.getByTestId("calibration-decision-Q1.1")).toContainText("校准：按口径应为 60%");
  await item(page, "Q1.2")
    .getByRole("button", { name: zh("review.query") })
    .click();
  await item(page, "Q1.2").getByLabel(zh("review.queryCommentCalibration")).fill("校准：请核实政务云");
  await item(page, "Q1.2")
    .getByRole("button", { name: zh("review.saveQuery") })
    .click();
  await expect(page.getByTestId("calibration-decision-Q1.2")).toContainText("校准：请核实政务云");
  for (const code of ["Q1.3", "Q1.4", "Q1.5", "Q1.6"]) {
    await item(page, code)
      .getByRole("button", { name: zh("review.accept"), exact: true })
      .click();
    await expect(page.getByTestId(`calibration-decision-${code}`)).toHaveText(zh("review.decided.accept"));
  }
  await expect(page.getByTestId("calibration-progress")).toHaveText(
    zh("calibration.decidedCount", { decided: 6, total: 6 }),
  );
  await expect(page.getByTestId("calibration-missing")).toHaveCount(0);
  await expect(refusal).toHaveCount(0); // the refusal no longer holds
  await page.getByRole("button", { name: zh("calibration.complete") }).click();
  await page
    .getByRole("dialog")
    .getByRole("button", { name: zh("calibration.confirmComplete") })
    .click();
  await expect(page.getByRole("status")).toHaveText(zhPattern("calibration.completedAt"));
  await expect(item(page, "Q1.1").getByRole("button", { name: zh("review.adjust") })).toHaveCount(0);
  // The second reviewer never reaches the review screen of the module, the first reviewer never the calibration.
  expect((await visit(page, `/review/submissions/${submissions[0]}`))?.status()).toBe(404);
  const firstPage = await pageFor(reviewer);
  await visit(firstPage, `/review/submissions/${submissions[0]}`);
  await expect(firstPage.getByText("原审：按统计公报核减")).toBeVisible();
  await expect(firstPage.getByText("校准：按口径应为 60%")).toHaveCount(0);

  // The admin reads the agreement of the pair: 4 of 6 decisions the same, Q1.1 and Q1.2 disagreed on.
  await visit(adminPage, `/admin/rounds/${roundId}`);
  await expect(section.getByTestId("calibration-progress")).toHaveText(
    zh("calibration.progress", { done: 1, total: 2 }),
  );
  const pairs = section.getByRole("table", { name: zh("calibration.pairsHeading") });
  const columns = ["StageShort", "First", "Second", "Calibrations", "Compared", "Identical", "Kappa", "Gap", "Top"];
  await expect(pairs.getByRole("columnheader")).toHaveText(columns.map((c) => zh(`calibration.col${c}`)));
  // stage 1, the two reviewers, one version, six items, 4 of 6 identical, kappa on the kind of decision (5 of 6 the
  // same kind: (5/6 − 21/36) / (1 − 21/36) = 0.60), Q1.1 adjusted to 70 and to 60 % of 2 points: 0.20 apart
  await expect(pairs.getByRole("row").nth(1).getByRole("cell")).toHaveText([
    "1",
    reviewer.name,
    second.name,
    "1",
    "6",
    "66.67%",
    "0.60",
    zh("calibration.gapOf", { points: "0.20", count: 1 }),
    "Q1.1（1/1）、Q1.2（1/1）",
  ]);
  await expect(section.getByRole("list", { name: zh("calibration.itemsHeading") })).toContainText("Q1.2");
  // And compares the two reviews item by item.
  await section
    .getByRole("row")
    .filter({ hasText: "常州" })
    .getByRole("link", { name: zh("calibration.view") })
    .click();
  await expect(item(adminPage, "Q1.1")).toContainText("原审：按统计公报核减");
  await expect(item(adminPage, "Q1.1")).toContainText("校准：按口径应为 60%");
  await expect(item(adminPage, "Q1.1").getByText(zh("calibration.different"))).toBeVisible();
  await expect(item(adminPage, "Q1.3").getByText(zh("calibration.same"))).toBeVisible();
});
