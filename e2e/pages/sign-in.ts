/** The sign-in page, as a person uses it: its labels and button come from the messages of the chosen language. */
import type { Page } from "@playwright/test";
import { expect, visit } from "../fixtures";
import { text } from "../messages";

type Locale = "zh-CN" | "en";

export async function signInWithForm(page: Page, user: { email: string; password: string }, locale: Locale = "zh-CN") {
  await visit(page, "/signin");
  if (locale === "en") {
    await page.getByRole("button", { name: "English" }).click();
    await expect(page.getByRole("heading", { name: text("en", "auth.title") })).toBeVisible();
  }
  await submitSignInForm(page, user, locale);
}

/** Fills in and submits the form already shown, in the page's language. */
export async function submitSignInForm(
  page: Page,
  user: { email: string; password: string },
  locale: Locale = "zh-CN",
) {
  await page.getByLabel(text(locale, "auth.email")).fill(user.email);
  await page.getByLabel(text(locale, "auth.password")).fill(user.password);
  await page.getByRole("button", { name: text(locale, "auth.submit"), exact: true }).click();
}
