/** The review screen (/review/submissions/:id): a decision per item, then the stage's decision on the module. */
import type { Page } from "@playwright/test";
import { expect } from "../fixtures";
import { zh } from "../messages";
import { item } from "./questionnaire";

/** A decision redirects to the queue: wait until the queue is shown, so that no navigation is still under way. */
export async function backToQueue(page: Page) {
  await expect(page).toHaveURL(/\/review$/);
  await expect(page.getByRole("heading", { level: 1, name: zh("review.title") })).toBeVisible();
}

/** This stage's own decision on the item, as its badge shows it (never a decision carried from a version before). */
const ownDecision = (page: Page, code: string) => page.getByTestId(`decision-${code}`);

/** 通过 one item, and waits until it is marked 已通过. */
export async function acceptItem(page: Page, code: string) {
  await item(page, code)
    .getByRole("button", { name: zh("review.accept"), exact: true })
    .click();
  await expect(ownDecision(page, code)).toHaveText(zh("review.decided.accept"));
}

/** 核减 one item to a value, with the reason the city will read, and waits until it is marked 已核减. */
export async function adjustItem(page: Page, code: string, value: string, reason: string) {
  await item(page, code)
    .getByRole("button", { name: zh("review.adjust") })
    .click();
  await item(page, code).getByLabel(zh("review.adjustedValue")).fill(value);
  await item(page, code).getByLabel(zh("review.adjustReason")).fill(reason);
  await item(page, code)
    .getByRole("button", { name: zh("review.saveAdjustment") })
    .click();
  await expect(ownDecision(page, code)).toHaveText(zh("review.decided.adjust"));
}

/** 提出问题 on one item, and waits until it is marked 已提问. */
export async function queryItem(page: Page, code: string, comment: string) {
  await item(page, code)
    .getByRole("button", { name: zh("review.query") })
    .click();
  await item(page, code).getByLabel(zh("review.queryComment")).fill(comment);
  await item(page, code)
    .getByRole("button", { name: zh("review.saveQuery") })
    .click();
  await expect(ownDecision(page, code)).toHaveText(zh("review.decided.query"));
}

/** 通过本阶段. The server may refuse (an alert) or approve (back to the queue): the caller waits for which. */
export const approveStage = (page: Page) => page.getByRole("button", { name: zh("review.approve") }).click();

/** 退回修改, with an optional note for the city, and waits for the queue. */
export async function returnModule(page: Page, comment?: string) {
  if (comment !== undefined) await page.getByLabel(zh("review.returnComment")).fill(comment);
  await page.getByRole("button", { name: zh("review.return") }).click();
  await backToQueue(page);
}
