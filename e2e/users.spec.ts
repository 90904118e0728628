import { randomUUID } from "node:crypto";
import { createUser, expect, test, visit } from "./fixtures";
import { signInWithForm } from "./pages/sign-in";

test("an admin creates a city staff account; its temporary password must be changed at first sign-in", async ({
  adminPage: page,
  page: newcomer,
}) => {
  await visit(page, "/admin/users");
  const email = `new-${randomUUID().slice(0, 8)}@e2e.test`;
  const form = page.getByRole("form", { name: "创建用户" });
  await form.getByLabel("邮箱").fill(email);
  await form.getByLabel("姓名").fill("新填报员");
  await form.getByRole("button", { name: "创建用户" }).click();
  await expect(form.getByText("城市填报员必须选择所属城市")).toBeVisible();
  await form.getByLabel("所属城市").selectOption({ label: "嘉峪关" });
  await form.getByLabel("临时密码（至少 10 位）").fill("short");
  await form.getByRole("button", { name: "创建用户" }).click();
  await expect(form.getByText("密码至少 10 位。")).toBeVisible();
  await form.getByLabel("临时密码（至少 10 位）").fill("temporary-123");
  await form.getByRole("button", { name: "创建用户" }).click();
  await expect(form.getByRole("status")).toContainText(email);

  await signInWithForm(newcomer, { email, password: "temporary-123" });
  await expect(newcomer).toHaveURL(/\/account\/password$/);
  await expect(newcomer.getByRole("status")).toHaveText("您正在使用管理员设置的临时密码，请先设置新密码。");
  await visit(newcomer, "/city");
  await expect(newcomer).toHaveURL(/\/account\/password$/);
  await newcomer.getByLabel("当前密码").fill("temporary-123");
  await newcomer.getByLabel("新密码（至少 10 位）").fill("my-own-password");
  await newcomer.getByLabel("再次输入新密码").fill("my-own-password");
  await newcomer.getByRole("button", { name: "保存新密码" }).click();
  await expect(newcomer.getByRole("heading", { level: 1, name: "嘉峪关 · 填报概览" })).toBeVisible();
});

test("a deactivated user cannot sign in", async ({ adminPage: page, page: other }) => {
  const reviewer = await createUser("reviewer");
  await visit(page, "/admin/users");
  await page.getByRole("button", { name: `停用 ${reviewer.email}` }).click();
  await expect(page.getByRole("row", { name: new RegExp(reviewer.email) })).toContainText("已停用");

  await signInWithForm(other, reviewer);
  await expect(other.locator("form").getByRole("alert")).toHaveText("邮箱或密码不正确。");
});
