/** A module's questionnaire (and the review screen, which shows items the same way): an item by its code. */
import type { Page } from "@playwright/test";
import { expect } from "../fixtures";
import { zh } from "../messages";

/** A small PDF that the evidence store accepts by its magic bytes. */
export const PDF = Buffer.from("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n");

export const item = (page: Page, code: string) => page.locator(`#item-${code.replace(".", "\\.")}`);

/** Waits until the item's autosave says it is saved. */
export const expectSaved = (page: Page, code: string) =>
  expect(item(page, code).getByRole("status")).toHaveText(zh("questionnaire.save.saved"));

/** Answers a reviewer's query on an item (after a return) and waits until the reply is saved. */
export async function replyToQuery(page: Page, code: string, reply: string) {
  await item(page, code).getByLabel(zh("questionnaire.replyLabel")).fill(reply);
  await item(page, code)
    .getByRole("button", { name: zh("questionnaire.sendReply") })
    .click();
  await expect(item(page, code).getByText(zh("questionnaire.replySaved"))).toBeVisible();
}

/** 提交本模块. The server may refuse (listing what is missing) or accept: the caller waits for which. */
export const submitModule = (page: Page) => page.getByRole("button", { name: zh("questionnaire.submit") }).click();
