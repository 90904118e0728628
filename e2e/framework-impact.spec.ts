import { finaliseRound } from "@/db/finalise";
import { cloneRound } from "@/db/rounds";
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

test("the editor of a round cloned from a finalised one shows what a raised threshold would do to last round's results", async ({
  adminPage: page,
}) => {
  test.slow(); // a round filled, reviewed, finalised and cloned first
  const { roundId, reviewer, finalReviewer } = await createTestRound(["qinhuangdao", "taiyuan"]);
  for (const code of ["qinhuangdao", "taiyuan"]) {
    const staff = await createUser("city_staff", code);
    approveThroughStages(fillAndSubmit(roundId, staff), [reviewer, finalReviewer]);
  }
  const admin = await createUser("admin");
  const db = testDb();
  expect(finaliseRound(db, { ...admin, locale: "zh-CN" }, roundId).ok).toBe(true);
  const clone = cloneRound(db, admin.id, roundId, { name: `影响 ${roundId}`, year: 2100 });
  if (!clone.ok) throw new Error(clone.reason);

  await visit(page, `/admin/rounds/${clone.id}/framework`);
  const impact = page.getByRole("region", { name: /调整后的框架对/ });
  // The same framework: nothing changes.
  await expect(impact.getByTestId("impact-summary")).toHaveText(
    zh("impact.summary", { changed: 0, cities: 2, rho: "1.000" }),
  );

  // Raise Q1.1's upper bound from 100 % to 200 %: the cities' 80 % now earns half as much.
  await page
    .getByRole("navigation", { name: zh("frameworkEditor.tree") })
    .getByRole("button", { name: /^Q1\.1 / })
    .click();
  const pane = page.getByRole("region", { name: zh("frameworkEditor.settings") });
  await pane.getByLabel(zh("frameworkEditor.hi")).fill("200");
  await page.getByRole("button", { name: zh("frameworkEditor.save") }).click();
  await expect(page.getByRole("status").filter({ hasText: zh("frameworkEditor.saved") })).toBeVisible();
  await expect(impact.getByTestId("impact-summary")).toHaveText(
    zh("impact.summary", { changed: 2, cities: 2, rho: "1.000" }),
  );
});
