import { randomUUID } from "node:crypto";
import { createUser, expect, reload, test, visit } from "./fixtures";

test("an admin adds a city, is refused a taken code, and edits the city", async ({ pageFor }) => {
  // An admin of its own: switching to English changes the account's saved language.
  const page = await pageFor(await createUser("admin"));
  await visit(page, "/admin/cities");
  const code = `e2e-${randomUUID().slice(0, 6)}`;
  const form = page.getByRole("form", { name: "添加城市" });
  const fill = async (cityCode: string) => {
    await form.getByLabel("代码（小写拼音）").fill(cityCode);
    await form.getByLabel("中文名").fill("测试新城");
    await form.getByLabel("英文名").fill("Test New Town");
    await form.getByLabel("省份（中文）").fill("河北");
    await form.getByLabel("省份（英文）").fill("Hebei");
    await form.getByLabel("地区").selectOption("north");
    await form.getByRole("button", { name: "添加城市" }).click();
  };
  await fill("Bad Code");
  await expect(form.getByText("代码只能包含小写字母")).toBeVisible();
  await fill(code);
  await expect(form.getByRole("status")).toHaveText("已保存。");
  await fill(code);
  await expect(form.getByText("该城市代码已存在。").first()).toBeVisible();

  await reload(page);
  const entry = page.getByRole("listitem").filter({ hasText: code });
  await entry.locator("summary").click();
  const edit = page.getByRole("form", { name: "编辑测试新城" });
  await edit.getByLabel("英文名").fill("Test New Area");
  await edit.getByRole("button", { name: "保存" }).click();
  await expect(edit.getByRole("status")).toHaveText("已保存。");
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.getByRole("listitem").filter({ hasText: code })).toContainText("Test New Area");
});
