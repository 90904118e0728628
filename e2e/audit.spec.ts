import { expect, test } from "@playwright/test";
import { createTestRound, createUser, fillAndSubmit, signInViaApi } from "./fixtures";

test("the admin filters the audit log by user and action and exports it; other roles are refused", async ({ page, browser }) => {
  const { roundId } = await createTestRound(["xianyang"]);
  const staff = await createUser("city_staff", "xianyang");
  fillAndSubmit(roundId, staff);

  await signInViaApi(page, await createUser("admin"));
  await page.goto("/admin/audit");
  await page.getByLabel("操作人").selectOption({ label: staff.email });
  await page.getByRole("combobox", { name: "操作", exact: true }).selectOption("submission.submitted");
  await page.getByRole("button", { name: "筛选" }).click();
  const rows = page.getByRole("row");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText("submission.submitted");
  await expect(rows.nth(1)).toContainText("咸阳");

  const csv = await page.request.get(await page.getByRole("link", { name: "导出 CSV" }).getAttribute("href").then((h) => h!));
  const text = (await csv.body()).toString("utf8");
  expect(text.charCodeAt(0)).toBe(0xfeff);
  expect(text.trim().split(/\r?\n/)).toHaveLength(2);
  expect(text).toContain(staff.email);

  const staffPage = await (await browser.newContext()).newPage();
  await signInViaApi(staffPage, staff);
  expect((await staffPage.goto("/admin/audit"))?.status()).toBe(404);
  expect((await staffPage.request.get("/api/audit")).status()).toBe(403);
});
