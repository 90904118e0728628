import ExcelJS from "exceljs";
import { loadFrameworkFile } from "@/db/data-files";
import { exportFramework } from "@/db/framework";
import { getRound } from "@/db/rounds";
import { createTestRound, createUser, expect, test, testDb, visit } from "./fixtures";
import { zh, zhPattern } from "./messages";
import { cloneRound, expectRoundStatus, openDraftRound } from "./pages/admin-round";

test("an admin clones a 2019 round into a 2020 draft, raises a threshold, adds an item, opens the round, and city staff see the new item", async ({
  adminPage: page,
  pageFor,
}) => {
  // Clone, edit in the editor, save, open and read as city staff: a long journey by nature, three times the budget.
  test.slow();
  const { roundId } = await createTestRound(["langfang"], { framework: loadFrameworkFile(2019), year: 2019 });
  const source = getRound(testDb(), roundId)!.name;
  await visit(page, "/admin");
  const name = `第十届(2020) ${Date.now()}`;
  await cloneRound(page, { source, name, year: 2020 });
  const roundUrl = page.url();
  const newRoundId = Number(roundUrl.split("/").pop());

  await page.getByRole("link", { name: zh("rounds.editFramework") }).click();
  await expect(page.getByRole("heading", { level: 1, name: zh("frameworkEditor.title") })).toBeVisible();
  const tree = page.getByRole("navigation", { name: zh("frameworkEditor.tree") });
  const pane = page.getByRole("region", { name: zh("frameworkEditor.settings") });
  // The live check: either all is well or it counts the problems.
  const status = page.getByRole("status");
  const check = status
    .filter({ hasText: zh("frameworkEditor.valid") })
    .or(status.filter({ hasText: zhPattern("frameworkEditor.problemCount") }));
  await expect(check).toHaveText(zh("frameworkEditor.valid"));

  // Raise the top band of B1.1 from 10 to 12 base stations per 10k residents: 11 no longer scores full points.
  await tree.getByRole("button", { name: /^B1\.1 / }).click();
  // The bands' fields are labelled by their position.
  const topBand = pane.getByLabel(`${zh("frameworkEditor.bandValue")} 1`);
  await expect(topBand).toHaveValue("10");
  const preview = pane.getByRole("region", { name: zh("frameworkEditor.preview") });
  await preview.getByRole("textbox").fill("11");
  await expect(preview.getByTestId("preview-points")).toHaveText(
    zh("frameworkEditor.previewPoints", { points: "2.00", max: "2.00" }),
  );
  await topBand.fill("12");
  await expect(preview.getByTestId("preview-points")).toHaveText(
    zh("frameworkEditor.previewPoints", { points: "1.50", max: "2.00" }),
  );

  // Take half a point from B1.1 for a new item: the live check flags the indicator until the points add up again.
  await pane.getByLabel(zh("frameworkEditor.points")).fill("1.5");
  await expect(check).toHaveText(zh("frameworkEditor.problemCount", { count: 1 }));
  await expect(page.getByRole("list", { name: zh("frameworkEditor.problems") })).toContainText(
    `B1: ${zh("frameworkProblems.itemsSum", { actual: "4.5", expected: "5" })}`,
  );
  await expect(page.getByRole("button", { name: zh("frameworkEditor.save") })).toBeDisabled();
  await tree.getByRole("button", { name: zh("frameworkEditor.addItem", { code: "B1" }) }).click();
  await pane.getByLabel(zh("frameworkEditor.nameZh")).fill("数据中心机架数是否公开");
  await pane.getByLabel(zh("frameworkEditor.nameEn")).fill("Data centre racks published");
  await pane.getByLabel(zh("frameworkEditor.points")).fill("0.5");
  await expect(check).toHaveText(zh("frameworkEditor.valid"));
  await tree.getByRole("button", { name: zh("frameworkEditor.moveUp", { name: "B1.4" }) }).click();
  // Leaving by a link with unsaved edits asks first; staying keeps them.
  let asked = "";
  page.once("dialog", (dialog) => {
    asked = dialog.message();
    void dialog.dismiss();
  });
  await page.getByRole("link", { name: `← ${name}` }).click();
  expect(asked).toBe(zh("frameworkEditor.leaveUnsaved"));
  await expect(page.getByText(zh("frameworkEditor.unsaved"))).toBeVisible();
  await page.getByRole("button", { name: zh("frameworkEditor.save") }).click();
  await expect(status.filter({ hasText: zh("frameworkEditor.saved") })).toBeVisible();
  const b1 = exportFramework(testDb(), newRoundId).modules[0]!.indicators[0]!;
  expect(b1.items.map((item) => `${item.code} ${item.points}`)).toEqual([
    "B1.1 1.5",
    "B1.2 1.5",
    "B1.4 0.5",
    "B1.3 1.5",
  ]);

  await visit(page, roundUrl);
  await openDraftRound(page);

  // Open rounds: the editor is read-only and the server refuses a changed framework.
  await page.getByRole("link", { name: zh("rounds.viewFramework") }).click();
  await expect(page.getByText(zh("frameworkEditor.frozen"))).toBeVisible();
  await expect(page.getByRole("button", { name: zh("frameworkEditor.save") })).toHaveCount(0);
  const frozen = await page.request.put(`/api/rounds/${newRoundId}/framework`, { data: loadFrameworkFile(2019) });
  expect(frozen.status()).toBe(409);

  const staff = await pageFor(await createUser("city_staff", "langfang"));
  await visit(staff, "/city");
  await expect(staff.getByText(zh("city.round", { round: name }))).toBeVisible();
  await visit(staff, `/rounds/${newRoundId}/cities/langfang/modules/B`);
  await expect(staff.getByRole("heading", { name: /数据中心机架数是否公开/ })).toBeVisible();
  await expect(staff.getByTestId("points-B1.1")).toHaveText(
    zhPattern("questionnaire.provisionalPoints", { max: "1.50" }),
  );
});

test("an admin creates a round from the 2019 framework file; an Excel workbook with a wrong sum is refused by code and row, a fixed one replaces the framework", async ({
  adminPage: page,
}) => {
  await visit(page, "/admin");
  await page.locator("summary", { hasText: zh("rounds.create") }).click();
  const create = page.getByRole("form", { name: zh("rounds.create") });
  const name = `Excel 轮次 ${Date.now()}`;
  await create.getByLabel(zh("rounds.name")).fill(name);
  await create.getByLabel(zh("rounds.year")).fill("2021");
  await create.getByLabel(zh("rounds.base")).selectOption({ label: zh("rounds.baseFile", { year: "2019" }) });
  await create.getByLabel(zh("rounds.allCities")).uncheck();
  await create.getByRole("button", { name: zh("rounds.create") }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expectRoundStatus(page, "draft");
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
  const upload = page.getByLabel(zh("framework.import"));
  const send = async (file: string) =>
    upload.setInputFiles({
      name: file,
      mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      buffer: Buffer.from(await workbook.xlsx.writeBuffer()),
    });
  await send("broken.xlsx");
  const section = page.getByRole("region", { name: zh("framework.title") });
  await expect(section.getByRole("alert")).toContainText(zh("errors.frameworkInvalid", { count: 1 }));
  // Each problem by code, and by sheet, row and column of the workbook.
  const where = zh("framework.whereColumn", { sheet: "Items", row: 2, column: "indicator_points" });
  await expect(section.getByRole("alert")).toContainText(
    `B1 (${where}): ${zh("frameworkProblems.itemsSum", { actual: "6", expected: "5" })}`,
  );

  b11.getCell(header("points")).value = 2;
  b11.getCell(header("rule_params")).value = ">= 12 → 1\n>= 5 → 0.75\n>= 1 → 0.5\n> 0 → 0.25";
  await send("fixed.xlsx");
  await expect(section.getByRole("status")).toHaveText(zh("framework.imported"));
  // An editor's save based on an older revision than this import is refused rather than undoing it.
  const stale = await page.request.put(`/api/rounds/${roundId}/framework`, {
    headers: { "If-Match": '"0000"' },
    data: exportFramework(testDb(), roundId),
  });
  expect(stale.status()).toBe(412);
  expect((await stale.json()).message).toBe(zh("errors.frameworkChanged"));
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
