import { createTestRound, createUser, expect, fillAndSubmit, test, visit } from "./fixtures";

test("the admin filters the audit log by user and action and exports it; other roles are refused", async ({
  adminPage: page,
  pageFor,
}) => {
  const { roundId } = await createTestRound(["xianyang"]);
  const staff = await createUser("city_staff", "xianyang");
  fillAndSubmit(roundId, staff);

  await visit(page, "/admin/audit");
  // The page checks the hash chain and the signed heads every time it is opened.
  await expect(page.getByTestId("chain-status")).toContainText(/^审计链完整：第 1 行至第 \d+ 行逐行核验无误/);
  await page.getByLabel("操作人").selectOption({ label: staff.email });
  await page.getByRole("combobox", { name: "操作", exact: true }).selectOption("submission.submitted");
  await page.getByRole("button", { name: "筛选" }).click();
  const rows = page.getByRole("row");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText("submission.submitted");
  await expect(rows.nth(1)).toContainText("咸阳");

  const csv = await page.request.get(
    await page
      .getByRole("link", { name: "导出 CSV" })
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
