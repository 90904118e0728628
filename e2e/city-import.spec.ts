import { randomUUID } from "node:crypto";
import { createUser, expect, test, visit } from "./fixtures";
import { zh, zhPattern } from "./messages";

const HEADER = "code,name_zh,name_en,province_zh,province_en,region,tier";
const csvFile = (...rows: string[]) => ({
  name: "cities.csv",
  mimeType: "text/csv",
  buffer: Buffer.from(`\uFEFF${[HEADER, ...rows].join("\r\n")}\r\n`),
});

test("an admin previews a city import, sees each problem by row, fixes the file and applies it", async ({
  adminPage: page,
}) => {
  await visit(page, "/admin/cities");
  const code = `e2e-import-${randomUUID().slice(0, 6)}`;
  // Region and tier may be given by their Chinese names, which the import reads from the messages.
  const newCity = `${code},导入新城,Imported Town,河北,Hebei,${zh("regions.north")},${zh("tiers.prefecture")}`;
  const section = page.getByRole("region", { name: zh("cityImport.title") });
  const fileInput = section.getByLabel(zh("cityImport.file"));
  const applyButton = section.getByRole("button", { name: zh("cityImport.apply") });
  const preview = section.getByRole("table", { name: zhPattern("cityImport.previewCaption") });

  await fileInput.setInputFiles(csvFile(newCity, "Bad Code,,Bad Town,河北,Hebei,north,prefecture"));
  const problems = section.getByRole("table", { name: zhPattern("cityImport.problemsCaption") });
  const codeProblem = problems.getByRole("row").filter({ hasText: zh("errors.cityCodeInvalid") });
  await expect(codeProblem.getByRole("cell").first()).toHaveText("3");
  await expect(codeProblem).toContainText("code");
  await expect(problems.getByRole("row").filter({ hasText: zh("errors.required") })).toContainText("name_zh");
  await expect(preview.getByRole("row").filter({ hasText: code })).toContainText(zh("cityImport.statuses.create"));
  await expect(applyButton).toBeDisabled();

  await fileInput.setInputFiles(csvFile(newCity));
  await expect(problems).toHaveCount(0);
  await expect(preview.getByRole("row").filter({ hasText: code })).toContainText(zh("cityImport.statuses.create"));
  await applyButton.click();
  await expect(section.getByRole("status")).toHaveText(zh("cityImport.applied", { created: "1", updated: "0" }));
  await expect(page.getByRole("listitem").filter({ hasText: code })).toContainText("导入新城");

  const template = await page.request.get(
    await section
      .getByRole("link", { name: zh("cityImport.template") })
      .getAttribute("href")
      .then((h) => h!),
  );
  const text = (await template.body()).toString("utf8");
  expect(text.charCodeAt(0)).toBe(0xfeff);
  expect(text).toContain(HEADER);
  expect(text).toContain(`${code},导入新城,Imported Town,河北,Hebei,north,prefecture`);
});

test("only admins may import cities", async ({ pageFor }) => {
  const page = await pageFor(await createUser("city_staff", "hangzhou"));
  const code = `e2e-import-${randomUUID().slice(0, 6)}`;
  const refused = await page.request.post("/api/cities/import?apply=1", {
    headers: { "Content-Type": "text/csv" },
    data: csvFile(`${code},拒绝,Refused,河北,Hebei,north,prefecture`).buffer,
  });
  expect(refused.status()).toBe(403);
  expect((await page.request.get("/api/cities/import")).status()).toBe(403);
});

test("a state-changing request from another site is refused, even with the admin's cookie", async ({ adminPage }) => {
  const code = `e2e-csrf-${randomUUID().slice(0, 6)}`;
  const forged = await adminPage.request.post("/api/cities/import?apply=1", {
    headers: { "Content-Type": "text/plain", Origin: "https://evil.example" },
    data: csvFile(`${code},伪造,Forged,河北,Hebei,north,prefecture`).buffer,
  });
  expect(forged.status()).toBe(403);
  expect((await forged.json()).message).toBe(zh("errors.foreignOrigin"));
  await visit(adminPage, "/admin/cities");
  await expect(adminPage.getByText(code)).toHaveCount(0);
});
