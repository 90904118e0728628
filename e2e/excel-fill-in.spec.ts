import type { Page } from "@playwright/test";
import ExcelJS from "exceljs";
import { createTestRound, createUser, expect, test, visit } from "./fixtures";
import { zh } from "./messages";
import { expectSaved } from "./pages/questionnaire";

/** The module's workbook as the page's download link serves it, with cells changed as the city would in Excel. */
async function downloadAndEdit(page: Page, edits: Record<string, ExcelJS.CellValue>) {
  const href = await page.getByRole("link", { name: zh("questionnaire.workbook.download") }).getAttribute("href");
  const response = await page.request.get(href!);
  expect(response.status()).toBe(200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await response.body()) as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0]!;
  for (const [address, value] of Object.entries(edits)) sheet.getCell(address).value = value;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

test("a staff member fills a module in Excel: a conflict is shown and nothing saved, then the changes are saved", async ({
  pageFor,
}) => {
  test.slow(); // two downloads, two uploads and a save
  const { roundId } = await createTestRound(["changzhou"]);
  const staff = await createUser("city_staff", "changzhou");
  const page = await pageFor(staff);
  await visit(page, `/rounds/${roundId}/cities/changzhou/modules/Q`);
  const upload = (buffer: Buffer) =>
    page.getByLabel(zh("questionnaire.workbook.fileInput")).setInputFiles({
      name: "填报表.xlsx",
      mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      buffer,
    });

  // Downloaded, then Q1.3 is answered on the platform by a colleague, then the workbook comes back with another
  // answer to Q1.3: a conflict. (A row the workbook left as it was would simply keep the colleague's answer.)
  const stale = await downloadAndEdit(page, { E2: 55, E3: "是", E4: "已建成" });
  await page.getByRole("radiogroup", { name: "平台建设状态" }).getByLabel("已对接省级").check();
  await expectSaved(page, "Q1.3");
  await upload(stale);
  await expect(
    page.getByRole("heading", { name: zh("questionnaire.workbook.previewTitle", { file: "填报表.xlsx" }) }),
  ).toBeVisible();
  await expect(page.getByTestId("import-Q1.1")).toContainText(zh("questionnaire.workbook.changed"));
  await expect(page.getByTestId("import-Q1.3")).toContainText(zh("questionnaire.workbook.conflict"));
  await expect(page.getByTestId("import-Q1.3")).toContainText("已对接省级");
  await expect(page.getByText(zh("questionnaire.workbook.cannotApply"))).toBeVisible();
  await expect(page.getByRole("button", { name: zh("questionnaire.workbook.apply", { count: 2 }) })).toBeDisabled();

  // Downloaded again (with Q1.3 as it is now), the same two changes are saved at once.
  const fresh = await downloadAndEdit(page, { E2: 55, E3: "是" });
  await upload(fresh);
  await expect(page.getByTestId("import-Q1.3")).toHaveCount(0);
  await expect(page.getByTestId("import-Q1.1")).toContainText(
    zh("questionnaire.workbook.fromTo", { from: zh("questionnaire.empty"), to: "55 %" }),
  );
  await page.getByRole("button", { name: zh("questionnaire.workbook.apply", { count: 2 }) }).click();
  await expect(page.getByText(zh("questionnaire.workbook.applied", { count: 2 }))).toBeVisible();
  await expect(page.getByRole("textbox", { name: "光纤覆盖率", exact: true })).toHaveValue("55");
  await expect(
    page.getByRole("radiogroup", { name: "是否建成政务云" }).getByLabel(zh("questionnaire.yes")),
  ).toBeChecked();
});
