import { expect, openRound, test, visit } from "./fixtures";
import { zh } from "./messages";

// The long lists are paged on the server; a filter narrows the count the pages are made of.
test("the control page shows its 108 cities a hundred at a time, and a filter keeps to its own count", async ({
  adminPage,
}) => {
  const round = openRound();
  const matrix = adminPage.getByRole("region", { name: zh("control.matrix") });
  await visit(adminPage, `/admin/rounds/${round.id}`);
  const pages = adminPage.getByRole("navigation", { name: zh("control.matrixPages") });
  await expect(pages.getByTestId("page-summary")).toHaveText(
    zh("pagination.summary", { from: 1, to: 100, total: 108 }),
  );
  await expect(matrix.getByRole("row")).toHaveCount(101); // the header and 100 cities
  await pages.getByRole("link", { name: zh("pagination.page", { page: 2 }) }).click();
  await expect(pages.getByTestId("page-summary")).toHaveText(
    zh("pagination.summary", { from: 101, to: 108, total: 108 }),
  );
  await expect(matrix.getByRole("row")).toHaveCount(9);
  await expect(pages.getByText("2", { exact: true })).toHaveAttribute("aria-current", "page");

  await visit(adminPage, `/admin/rounds/${round.id}?region=northwest&page=5`);
  const count = Number(
    /共 (\d+) 项/.exec((await pages.getByTestId("page-summary").textContent()) ?? "")?.[1] ?? Number.NaN,
  );
  expect(count).toBeGreaterThan(0);
  expect(count).toBeLessThan(100);
  // a page out of range shows the nearest one: the only page there is
  await expect(pages.getByTestId("page-summary")).toHaveText(
    zh("pagination.summary", { from: 1, to: count, total: count }),
  );
  await expect(matrix.getByRole("row")).toHaveCount(count + 1);
});
