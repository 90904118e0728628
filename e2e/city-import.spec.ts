import { randomUUID } from "node:crypto";
import { createUser, expect, test, visit } from "./fixtures";

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
  const newCity = `${code},导入新城,Imported Town,河北,Hebei,华北,地级市`;
  const section = page.getByRole("region", { name: "批量导入" });
  const fileInput = section.getByLabel("选择 CSV 或 Excel 文件");
  const applyButton = section.getByRole("button", { name: "确认导入" });

  await fileInput.setInputFiles(csvFile(newCity, "Bad Code,,Bad Town,河北,Hebei,north,prefecture"));
  const problems = section.getByRole("table", { name: /处问题/ });
  const codeProblem = problems.getByRole("row").filter({ hasText: "代码只能包含小写字母" });
  await expect(codeProblem.getByRole("cell").first()).toHaveText("3");
  await expect(codeProblem).toContainText("code");
  await expect(problems.getByRole("row").filter({ hasText: "此项为必填项" })).toContainText("name_zh");
  await expect(section.getByRole("table", { name: /预览/ }).getByRole("row").filter({ hasText: code })).toContainText(
    "新增",
  );
  await expect(applyButton).toBeDisabled();

  await fileInput.setInputFiles(csvFile(newCity));
  await expect(problems).toHaveCount(0);
  await expect(section.getByRole("table", { name: /预览/ }).getByRole("row").filter({ hasText: code })).toContainText(
    "新增",
  );
  await applyButton.click();
  await expect(section.getByRole("status")).toHaveText("已导入：新增 1 个城市，修改 0 个城市。");
  await expect(page.getByRole("listitem").filter({ hasText: code })).toContainText("导入新城");

  const template = await page.request.get(
    await section
      .getByRole("link", { name: "下载模板（含现有城市）" })
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
  expect((await forged.json()).message).toBe("请求来自其他网站，已拒绝。");
  await visit(adminPage, "/admin/cities");
  await expect(adminPage.getByText(code)).toHaveCount(0);
});
