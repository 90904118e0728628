import { createTestRound, createUser, expect, fillAndSubmit, test, visit } from "./fixtures";
import { zh, zhPattern } from "./messages";

test("the admin filters the audit log by user and action and exports it; other roles are refused", async ({
  adminPage: page,
  pageFor,
}) => {
  const { roundId } = await createTestRound(["xianyang"]);
  const staff = await createUser("city_staff", "xianyang");
  fillAndSubmit(roundId, staff);

  await visit(page, "/admin/audit");
  // The page checks the hash chain and the signed heads every time it is opened.
  await expect(page.getByTestId("chain-status")).toHaveText(zhPattern("audit.chainIntact"));
  await page.getByLabel(zh("audit.actor")).selectOption({ label: staff.email });
  await page.getByRole("combobox", { name: zh("audit.action"), exact: true }).selectOption("submission.submitted");
  await page.getByRole("button", { name: zh("audit.apply") }).click();
  const rows = page.getByRole("row");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText("submission.submitted");
  await expect(rows.nth(1)).toContainText("咸阳");

  const csv = await page.request.get(
    await page
      .getByRole("link", { name: zh("audit.export") })
      .getAttribute("href")
      .then((h) => h!),
  );
  const text = (await csv.body()).toString("utf8");
  expect(text.charCodeAt(0)).toBe(0xfeff);
  expect(text.trim().split(/\r?\n/)).toHaveLength(2);
  expect(text).toContain(staff.email);

  const staffPage = await pageFor(staff);
  expect((await visit(staffPage, "/admin/audit"))?.status()).toBe(404);
  expect((await staffPage.request.get("/api/audit")).status()).toBe(403);
});
