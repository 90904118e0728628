import { randomUUID } from "node:crypto";
import { createUser, expect, reload, test, visit } from "./fixtures";
import { zh } from "./messages";

test("an admin adds a city, is refused a taken code, and edits the city", async ({ pageFor }) => {
  // An admin of its own: switching to English changes the account's saved language.
  const page = await pageFor(await createUser("admin"));
  await visit(page, "/admin/cities");
  const code = `e2e-${randomUUID().slice(0, 6)}`;
  const form = page.getByRole("form", { name: zh("cities.add") });
  const fill = async (cityCode: string) => {
    await form.getByLabel(zh("cities.code")).fill(cityCode);
    await form.getByLabel(zh("cities.nameZh")).fill("测试新城");
    await form.getByLabel(zh("cities.nameEn")).fill("Test New Town");
    await form.getByLabel(zh("cities.provinceZh")).fill("河北");
    await form.getByLabel(zh("cities.provinceEn")).fill("Hebei");
    await form.getByLabel(zh("cities.region")).selectOption("north");
    await form.getByRole("button", { name: zh("cities.add") }).click();
  };
  await fill("Bad Code");
  await expect(form.getByText(zh("errors.cityCodeInvalid"))).toBeVisible();
  await fill(code);
  await expect(form.getByRole("status")).toHaveText(zh("cities.saved"));
  await fill(code);
  await expect(form.getByText(zh("errors.cityCodeTaken")).first()).toBeVisible();

  await reload(page);
  const entry = page.getByRole("listitem").filter({ hasText: code });
  await entry.locator("summary").click();
  const edit = page.getByRole("form", { name: zh("cities.editNamed", { name: "测试新城" }) });
  await edit.getByLabel(zh("cities.nameEn")).fill("Test New Area");
  await edit.getByRole("button", { name: zh("cities.save") }).click();
  await expect(edit.getByRole("status")).toHaveText(zh("cities.saved"));
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.getByRole("listitem").filter({ hasText: code })).toContainText("Test New Area");
});
