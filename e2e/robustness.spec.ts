import { finaliseRound } from "@/db/finalise";
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

test("the report of a finalised round shows each rank with its 90 % interval and how robust the ranking is", async ({
  adminPage: page,
}) => {
  test.slow(); // a round filled, reviewed and finalised first
  const { roundId, reviewer, finalReviewer } = await createTestRound(["shangrao", "qujing"]);
  for (const code of ["shangrao", "qujing"]) {
    const staff = await createUser("city_staff", code);
    approveThroughStages(fillAndSubmit(roundId, staff), [reviewer, finalReviewer]);
  }
  const admin = await createUser("admin");
  expect(finaliseRound(testDb(), { ...admin, locale: "zh-CN" }, roundId).ok).toBe(true);

  await visit(page, `/rounds/${roundId}/report`);
  await expect(page.getByRole("columnheader", { name: zh("report.rankInterval") }).first()).toBeVisible();
  // Both cities answered alike: they share rank 1 whatever the weights.
  await expect(page.getByTestId("interval-shangrao")).toHaveText("1");
  const section = page.getByRole("region", { name: zh("report.robustness") });
  await expect(section).toContainText("Spearman");
  await expect(section.getByRole("table", { name: zh("report.withoutIndicator") })).toContainText("Q1");
});
