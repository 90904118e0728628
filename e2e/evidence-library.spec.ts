import { createTestRound, createUser, expect, reload, test, visit } from "./fixtures";
import { zh } from "./messages";
import { item, PDF } from "./pages/questionnaire";

test("a staff member uploads a bulletin once to the library, attaches it to three items, then to a fourth from the item", async ({
  pageFor,
}) => {
  test.slow(); // two pages, an upload and four attachments
  const { roundId } = await createTestRound(["suzhou"]);
  const staff = await createUser("city_staff", "suzhou");
  const page = await pageFor(staff);
  const library = `/rounds/${roundId}/cities/suzhou/library`;
  await visit(page, library);
  await expect(page.getByRole("heading", { level: 1, name: zh("library.title", { city: "苏州" }) })).toBeVisible();
  await expect(page.getByText(zh("library.empty"))).toBeVisible();

  // Uploaded once to the library, attached to nothing yet.
  await page
    .getByLabel(zh("library.fileInput"))
    .setInputFiles({ name: "统计公报2019.pdf", mimeType: "application/pdf", buffer: PDF });
  await expect(page.getByText(zh("library.uploaded", { name: "统计公报2019.pdf" }))).toBeVisible();
  const file = page.getByRole("listitem", { name: "统计公报2019.pdf" });
  await expect(file.getByText(zh("library.attachedToNone"))).toBeVisible();

  // Attached to three items at once.
  await file.getByRole("button", { name: zh("library.attachTo") }).click();
  for (const name of ["Q1.1 光纤覆盖率", "Q1.2 是否建成政务云", "Q1.4 已建数据库"])
    await file.getByRole("checkbox", { name }).check();
  await file.getByRole("button", { name: zh("library.attachChosen", { count: 3 }) }).click();
  await expect(page.getByText(zh("library.attached", { name: "统计公报2019.pdf", count: 3 }))).toBeVisible();
  await expect(file).toContainText(
    `${zh("library.attachedTo", { count: 3 })}Q1.1 光纤覆盖率、Q1.2 是否建成政务云、Q1.4 已建数据库`,
  );
  // Attached to items, it cannot be deleted from the library.
  await expect(file.getByRole("button", { name: zh("library.remove") })).toBeDisabled();

  // The questionnaire shows it on each of the three, and offers it to the others.
  await visit(page, `/rounds/${roundId}/cities/suzhou/modules/Q`);
  const evidenceOf = (code: string, name: string) =>
    item(page, code).getByRole("region", { name: zh("evidence.title", { item: name }) });
  for (const [code, name] of [
    ["Q1.1", "光纤覆盖率"],
    ["Q1.2", "是否建成政务云"],
    ["Q1.4", "已建数据库"],
  ] as const)
    await expect(evidenceOf(code, name).getByRole("link", { name: "统计公报2019.pdf" })).toBeVisible();
  // An item that carries every file of the library is offered none.
  await expect(evidenceOf("Q1.1", "光纤覆盖率").getByRole("button", { name: /从佐证材料库选择/ })).toHaveCount(0);
  const q13 = evidenceOf("Q1.3", "平台建设状态");
  await q13.getByRole("button", { name: zh("evidence.fromLibrary", { count: 1 }) }).click();
  await q13.getByRole("button", { name: zh("evidence.attachNamed", { name: "统计公报2019.pdf" }) }).click();
  await expect(q13.getByRole("link", { name: "统计公报2019.pdf" })).toBeVisible();

  // Removed from one item, it stays on the others.
  await evidenceOf("Q1.2", "是否建成政务云")
    .getByRole("button", { name: zh("evidence.deleteNamed", { name: "统计公报2019.pdf" }) })
    .click();
  await expect(evidenceOf("Q1.2", "是否建成政务云").getByRole("link", { name: "统计公报2019.pdf" })).toHaveCount(0);
  await reload(page);
  await expect(evidenceOf("Q1.1", "光纤覆盖率").getByRole("link", { name: "统计公报2019.pdf" })).toBeVisible();
  await expect(evidenceOf("Q1.3", "平台建设状态").getByRole("link", { name: "统计公报2019.pdf" })).toBeVisible();

  await visit(page, library);
  await expect(page.getByRole("listitem", { name: "统计公报2019.pdf" })).toContainText(
    `${zh("library.attachedTo", { count: 3 })}Q1.1 光纤覆盖率、Q1.3 平台建设状态、Q1.4 已建数据库`,
  );
  // The same content uploaded again is the same library file, under its first name.
  await page
    .getByLabel(zh("library.fileInput"))
    .setInputFiles({ name: "公报副本.pdf", mimeType: "application/pdf", buffer: PDF });
  await expect(
    page.getByText(zh("library.alreadyInLibrary", { name: "公报副本.pdf", as: "统计公报2019.pdf" })),
  ).toBeVisible();
  await expect(page.getByRole("list", { name: zh("library.files", { count: 1 }) }).getByRole("listitem")).toHaveCount(
    1,
  );
});
