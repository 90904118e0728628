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
