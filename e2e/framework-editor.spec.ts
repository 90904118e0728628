import ExcelJS from "exceljs";
import { loadFrameworkFile } from "@/db/data-files";
import { exportFramework } from "@/db/framework";
import { getRound } from "@/db/rounds";
import { createTestRound, createUser, expect, test, testDb, visit } from "./fixtures";

test("an admin clones a 2019 round into a 2020 draft, raises a threshold, adds an item, opens the round, and city staff see the new item", async ({
  adminPage: page,
  pageFor,
}) => {
  // Clone, edit in the editor, save, open and read as city staff: a long journey by nature, three times the budget.
  test.slow();
  const { roundId } = await createTestRound(["langfang"], { framework: loadFrameworkFile(2019), year: 2019 });
  const source = getRound(testDb(), roundId)!.name;
  await visit(page, "/admin");
  const clone = page.getByRole("form", { name: "复制为新轮次" });
  await clone.getByLabel("复制自").selectOption({ label: source });
  const name = `第十届(2020) ${Date.now()}`;
  await clone.getByLabel("名称").fill(name);
  await clone.getByLabel("年度").fill("2020");
  await clone.getByRole("button", { name: "复制为新轮次" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  const roundUrl = page.url();
  const newRoundId = Number(roundUrl.split("/").pop());

  await page.getByRole("link", { name: "编辑指标体系" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "指标体系编辑" })).toBeVisible();
  const tree = page.getByRole("navigation", { name: "指标结构" });
  const pane = page.getByRole("region", { name: "所选节点设置" });
  const check = page.getByRole("status").filter({ hasText: /检查通过|个问题/ });
  await expect(check).toHaveText(/^检查通过/);

  // Raise the top band of B1.1 from 10 to 12 base stations per 10k residents: 11 no longer scores full points.
  await tree.getByRole("button", { name: /^B1\.1 / }).click();
  await expect(pane.getByLabel("门槛值 1")).toHaveValue("10");
  const preview = pane.getByRole("region", { name: "预览：城市填报人员看到的样子" });
  await preview.getByRole("textbox").fill("11");
  await expect(preview.getByTestId("preview-points")).toHaveText("示例答案得分：2 / 2 分");
  await pane.getByLabel("门槛值 1").fill("12");
  await expect(preview.getByTestId("preview-points")).toHaveText("示例答案得分：1.5 / 2 分");

  // Take half a point from B1.1 for a new item: the live check flags the indicator until the points add up again.
  await pane.getByLabel("满分").fill("1.5");
  await expect(check).toHaveText("发现 1 个问题");
  await expect(page.getByRole("list", { name: "问题列表" })).toContainText("B1: 三级指标满分之和为 4.5，应为 5");
  await expect(page.getByRole("button", { name: "保存指标体系" })).toBeDisabled();
  await tree.getByRole("button", { name: "+ 在 B1 下添加指标项" }).click();
  await pane.getByLabel("中文名称").fill("数据中心机架数是否公开");
  await pane.getByLabel("英文名称").fill("Data centre racks published");
  await pane.getByLabel("满分").fill("0.5");
  await expect(check).toHaveText(/^检查通过/);
  await tree.getByRole("button", { name: "上移 B1.4" }).click();
  // Leaving by a link with unsaved edits asks first; staying keeps them.
  let asked = "";
  page.once("dialog", (dialog) => {
    asked = dialog.message();
    void dialog.dismiss();
  });
  await page.getByRole("link", { name: `← ${name}` }).click();
  expect(asked).toBe("指标体系有未保存的修改，确定离开吗？");
  await expect(page.getByText("有未保存的修改")).toBeVisible();
  await page.getByRole("button", { name: "保存指标体系" }).click();
  await expect(page.getByRole("status").filter({ hasText: "已保存" })).toHaveText("已保存（已记入审计日志）。");
  const b1 = exportFramework(testDb(), newRoundId).modules[0]!.indicators[0]!;
  expect(b1.items.map((item) => `${item.code} ${item.points}`)).toEqual([
    "B1.1 1.5",
    "B1.2 1.5",
    "B1.4 0.5",
    "B1.3 1.5",
  ]);

  await visit(page, roundUrl);
  await page.getByRole("form", { name: "轮次设置" }).getByRole("button", { name: "开放本轮" }).click();
  await expect(page.getByText("进行中", { exact: true })).toBeVisible();

  // Open rounds: the editor is read-only and the server refuses a changed framework.
  await page.getByRole("link", { name: "查看指标体系" }).click();
  await expect(page.getByText("本轮已开放，指标体系已冻结，仅可查看。")).toBeVisible();
  await expect(page.getByRole("button", { name: "保存指标体系" })).toHaveCount(0);
  const frozen = await page.request.put(`/api/rounds/${newRoundId}/framework`, { data: loadFrameworkFile(2019) });
  expect(frozen.status()).toBe(409);

  const staff = await pageFor(await createUser("city_staff", "langfang"));
  await visit(staff, "/city");
  await expect(staff.getByText(`评估轮次：${name}`)).toBeVisible();
  await visit(staff, `/rounds/${newRoundId}/cities/langfang/modules/B`);
  await expect(staff.getByRole("heading", { name: /数据中心机架数是否公开/ })).toBeVisible();
  await expect(staff.getByTestId("points-B1.1")).toContainText("1.5");
});

test("an admin creates a round from the 2019 framework file; an Excel workbook with a wrong sum is refused by code and row, a fixed one replaces the framework", async ({
  adminPage: page,
}) => {
  await visit(page, "/admin");
  await page.locator("summary", { hasText: "新建轮次" }).click();
  const create = page.getByRole("form", { name: "新建轮次" });
  const name = `Excel 轮次 ${Date.now()}`;
  await create.getByLabel("名称").fill(name);
  await create.getByLabel("年度").fill("2021");
  await create.getByLabel("指标体系来源").selectOption({ label: "2019 年指标体系文件" });
  await create.getByLabel("全部城市参评（之后可调整）").uncheck();
  await create.getByRole("button", { name: "新建轮次" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.getByText("草稿", { exact: true })).toBeVisible();
  const roundId = Number(page.url().split("/").pop());

  const exported = await page.request.get(`/api/rounds/${roundId}/framework?format=xlsx`);
  expect(exported.headers()["content-type"]).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(await exported.body()) as unknown as ArrayBuffer);
  const items = workbook.getWorksheet("Items")!;
  const header = (items.getRow(1).values as string[]).indexOf.bind(items.getRow(1).values as string[]);
  const b11 = items.getRow(2);
  expect(b11.getCell(header("item_code")).text).toBe("B1.1");
  b11.getCell(header("points")).value = 3;
  const upload = page.getByLabel("导入 JSON 或 Excel 替换（仅草稿）：");
  const send = async (file: string) =>
    upload.setInputFiles({
      name: file,
      mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      buffer: Buffer.from(await workbook.xlsx.writeBuffer()),
    });
  await send("broken.xlsx");
  const section = page.getByRole("region", { name: "指标体系" });
  await expect(section.getByRole("alert")).toContainText("未导入");
  await expect(section.getByRole("alert")).toContainText("B1 (Items 第 2 行");
  await expect(section.getByRole("alert")).toContainText("三级指标满分之和为 6，应为 5");

  b11.getCell(header("points")).value = 2;
  b11.getCell(header("rule_params")).value = ">= 12 → 1\n>= 5 → 0.75\n>= 1 → 0.5\n> 0 → 0.25";
  await send("fixed.xlsx");
  await expect(section.getByRole("status")).toHaveText("已导入新的指标体系。");
  // An editor's save based on an older revision than this import is refused rather than undoing it.
  const stale = await page.request.put(`/api/rounds/${roundId}/framework`, {
    headers: { "If-Match": '"0000"' },
    data: exportFramework(testDb(), roundId),
  });
  expect(stale.status()).toBe(412);
  expect((await stale.json()).message).toContain("指标体系在您打开编辑器后已被修改");
  const rule = exportFramework(testDb(), roundId).modules[0]!.indicators[0]!.items[0]!.rule;
  expect(rule).toEqual({
    kind: "bands",
    bands: [
      { op: ">=", value: 12, fraction: 1 },
      { op: ">=", value: 5, fraction: 0.75 },
      { op: ">=", value: 1, fraction: 0.5 },
      { op: ">", value: 0, fraction: 0.25 },
    ],
  });
});
