import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { getRound } from "@/db/rounds";
import { createTestRound, createUser, signInViaApi, testDb } from "./fixtures";

test("an admin clones a round into a draft, sets its deadline, opens it, and the city sees it", async ({ page, browser }) => {
  const { roundId } = await createTestRound(["yibin"]);
  const source = getRound(testDb(), roundId)!.name;
  await signInViaApi(page, await createUser("admin"));
  await page.goto("/admin");
  const name = `第十届 ${randomUUID().slice(0, 6)}`;
  const form = page.getByRole("form", { name: "复制为新轮次" });
  await form.getByLabel("复制自").selectOption({ label: source });
  await form.getByLabel("名称").fill(name);
  await form.getByLabel("年度").fill("2100");
  await form.getByRole("button", { name: "复制为新轮次" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.getByText("草稿", { exact: true })).toBeVisible();

  const settings = page.getByRole("form", { name: "轮次设置" });
  await settings.getByLabel("提交截止日期").fill("2100-12-31");
  await settings.getByRole("button", { name: "保存设置" }).click();
  await expect(settings.getByRole("status")).toHaveText("已保存（变更已记入审计日志）。");
  await settings.getByRole("button", { name: "开放本轮" }).click();
  await expect(page.getByText("进行中", { exact: true })).toBeVisible();

  const staff = await (await browser.newContext()).newPage();
  await signInViaApi(staff, await createUser("city_staff", "yibin"));
  await staff.goto("/city");
  await expect(staff.getByText(`评估轮次：${name}`)).toBeVisible();
  await expect(staff.getByText("提交截止：2100年12月31日 23:59")).toBeVisible();
});
