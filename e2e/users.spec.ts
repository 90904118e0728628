import { randomUUID } from "node:crypto";
import { createUser, expect, test, visit } from "./fixtures";
import { zh } from "./messages";
import { changePassword } from "./pages/password";
import { signInWithForm } from "./pages/sign-in";

test("an admin creates a city staff account; its temporary password must be changed at first sign-in", async ({
  adminPage: page,
  page: newcomer,
}) => {
  await visit(page, "/admin/users");
  const email = `new-${randomUUID().slice(0, 8)}@e2e.test`;
  const form = page.getByRole("form", { name: zh("users.create") });
  await form.getByLabel(zh("users.email")).fill(email);
  await form.getByLabel(zh("users.name")).fill("新填报员");
  await form.getByRole("button", { name: zh("users.create") }).click();
  await expect(form.getByText(zh("errors.cityForStaffOnly"))).toBeVisible();
  await form.getByLabel(zh("users.city")).selectOption({ label: "嘉峪关" });
  await form.getByLabel(zh("users.temporaryPassword")).fill("short");
  await form.getByRole("button", { name: zh("users.create") }).click();
  await expect(form.getByText(zh("errors.passwordTooShort"))).toBeVisible();
  await form.getByLabel(zh("users.temporaryPassword")).fill("temporary-123");
  await form.getByRole("button", { name: zh("users.create") }).click();
  await expect(form.getByRole("status")).toHaveText(zh("users.created", { email }));

  await signInWithForm(newcomer, { email, password: "temporary-123" });
  await expect(newcomer).toHaveURL(/\/account\/password$/);
  await expect(newcomer.getByRole("status")).toHaveText(zh("password.mustChange"));
  await visit(newcomer, "/city");
  await expect(newcomer).toHaveURL(/\/account\/password$/);
  await changePassword(newcomer, "temporary-123", "my-own-password");
  await expect(newcomer.getByRole("heading", { level: 1, name: zh("city.title", { city: "嘉峪关" }) })).toBeVisible();
});

test("a deactivated user cannot sign in", async ({ adminPage: page, page: other }) => {
  const reviewer = await createUser("reviewer");
  await visit(page, "/admin/users");
  await page.getByRole("button", { name: zh("users.deactivateNamed", { email: reviewer.email }) }).click();
  await expect(page.getByRole("row", { name: new RegExp(reviewer.email) })).toContainText(zh("users.inactive"));

  await signInWithForm(other, reviewer);
  await expect(other.locator("form").getByRole("alert")).toHaveText(zh("errors.invalidCredentials"));
});
