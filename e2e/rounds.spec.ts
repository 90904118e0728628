import { randomUUID } from "node:crypto";
import { getRound } from "@/db/rounds";
import { createTestRound, createUser, expect, test, testDb, visit } from "./fixtures";
import { zh } from "./messages";

test("an admin clones a round into a draft, sets its deadline, opens it, and the city sees it", async ({
  adminPage: page,
  pageFor,
}) => {
  const { roundId } = await createTestRound(["yibin"]);
  const source = getRound(testDb(), roundId)!.name;
  await visit(page, "/admin");
  const name = `第十届 ${randomUUID().slice(0, 6)}`;
  const form = page.getByRole("form", { name: "复制为新轮次" });
  await form.getByLabel("复制自").selectOption({ label: source });
  await form.getByLabel("名称").fill(name);
  await form.getByLabel("年度").fill("2100");
  await form.getByRole("button", { name: "复制为新轮次" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.getByText("草稿", { exact: true })).toBeVisible();

  // The draft's framework is replaced from a JSON file: a broken one is refused with every problem by code.
  const framework = (await (
    await page.request.get(page.url().replace("/admin/rounds/", "/api/rounds/") + "/framework")
  ).json()) as {
    modules: { indicators: { items: { code: string; points: number; rule: unknown }[] }[] }[];
  };
  const broken = structuredClone(framework);
  broken.modules[0]!.indicators[0]!.items[0]!.points = 99;
  const upload = page.getByLabel("导入 JSON 或 Excel 替换（仅草稿）：");
  await upload.setInputFiles({
    name: "broken.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(broken)),
  });
  const problems = page.getByRole("region", { name: "指标体系" }).getByRole("alert");
  await expect(problems).toContainText("未导入");
  await expect(problems).toContainText("Q1: 三级指标满分之和为 107，应为 10");
  framework.modules[0]!.indicators[0]!.items[0]!.rule = { kind: "linear", lo: 10, hi: 100 };
  await upload.setInputFiles({
    name: "raised.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(framework)),
  });
  await expect(page.getByRole("region", { name: "指标体系" }).getByRole("status")).toHaveText("已导入新的指标体系。");

  const settings = page.getByRole("form", { name: "轮次设置" });
  await settings.getByLabel("提交截止日期").fill("2100-12-31");
  await settings.getByRole("button", { name: "保存设置" }).click();
  await expect(settings.getByRole("status")).toHaveText("已保存（变更已记入审计日志）。");
  await settings.getByRole("button", { name: "开放本轮" }).click();
  await expect(page.getByText("进行中", { exact: true })).toBeVisible();
  await expect(page.getByText("本轮已开放，指标体系已冻结。")).toBeVisible();
  const frozen = await page.request.put(page.url().replace("/admin/rounds/", "/api/rounds/") + "/framework", {
    data: framework,
  });
  expect(frozen.status()).toBe(409);
  expect(await frozen.json()).toMatchObject({ error: "roundNotDraft", message: zh("errors.roundNotDraft") });

  const staff = await pageFor(await createUser("city_staff", "yibin"));
  await visit(staff, "/city");
  await expect(staff.getByText(`评估轮次：${name}`)).toBeVisible();
  await expect(staff.getByText("提交截止：2100年12月31日 23:59")).toBeVisible();
});
