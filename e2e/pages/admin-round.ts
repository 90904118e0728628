/** The admin's rounds: cloning one on /admin, and a round's own page (/admin/rounds/:id) — settings and finalising. */
import type { Locator, Page } from "@playwright/test";
import { expect } from "../fixtures";
import { zh } from "../messages";

/** Clones a round on /admin into a draft and waits for the new round's page. */
export async function cloneRound(page: Page, { source, name, year }: { source: string; name: string; year: number }) {
  const form = page.getByRole("form", { name: zh("rounds.clone") });
  await form.getByLabel(zh("rounds.source")).selectOption({ label: source });
  await form.getByLabel(zh("rounds.name")).fill(name);
  await form.getByLabel(zh("rounds.year")).fill(String(year));
  await form.getByRole("button", { name: zh("rounds.clone") }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
}

/** The round's status badge next to its name: 草稿, 进行中 or 已定稿. */
export const expectRoundStatus = (page: Page, status: "draft" | "open" | "finalised") =>
  expect(page.getByText(zh(`roundStatus.${status}`), { exact: true })).toBeVisible();

/** The form of the round's settings (shown until the round is finalised). */
export const roundSettings = (page: Page) => page.getByRole("form", { name: zh("rounds.settings") });

/** Saves the settings form and waits until it says so. */
export async function saveSettings(page: Page) {
  const settings = roundSettings(page);
  await settings.getByRole("button", { name: zh("rounds.save") }).click();
  await expect(settings.getByRole("status")).toHaveText(zh("rounds.saved"));
}

/** Opens a draft round for the cities' staff. */
export async function openDraftRound(page: Page) {
  await roundSettings(page)
    .getByRole("button", { name: zh("rounds.open") })
    .click();
  await expectRoundStatus(page, "open");
}

/** The 定稿 panel, where the server's refusals to finalise appear as an alert. */
export const finalisePanel = (page: Page) => page.getByRole("region", { name: zh("control.finaliseTitle") });

/**
 * Clicks 定稿并计算最终得分. With no module blocking, a confirmation opens: returned for the test to read or
 * confirm. (With modules still open, the server refuses at once and no dialog opens.)
 */
export async function startFinalising(page: Page): Promise<Locator> {
  await page.getByRole("button", { name: zh("control.finalise") }).click();
  return page.getByRole("dialog", { name: zh("control.confirmFinaliseTitle") });
}

/** Asks to finalise and confirms. Whether the server finalised or refused is for the caller to check. */
export async function finaliseRound(page: Page) {
  const dialog = await startFinalising(page);
  await dialog.getByRole("button", { name: zh("control.confirmFinalise") }).click();
  await expect(dialog).toBeHidden();
}
