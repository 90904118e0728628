/** The change-password page (/account/password), also where a temporary password must be replaced. */
import type { Page } from "@playwright/test";
import { zh } from "../messages";

/** Fills and sends the form; the caller waits for where it leads (a refusal, or the page it returns to). */
export async function changePassword(page: Page, current: string, next: string) {
  await page.getByLabel(zh("password.current")).fill(current);
  await page.getByLabel(zh("password.next")).fill(next);
  await page.getByLabel(zh("password.confirm")).fill(next);
  await page.getByRole("button", { name: zh("password.submit") }).click();
}
