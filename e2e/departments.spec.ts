import { randomUUID } from "node:crypto";
import { saveAnswer } from "@/db/answers";
import { addEvidence } from "@/db/evidence";
import { createTestRound, createUser, expect, itemIdOf, test, testDb, visit } from "./fixtures";
import { zh } from "./messages";
import { changePassword } from "./pages/password";
import { expectSaved, item, submitModule } from "./pages/questionnaire";
import { signInWithForm } from "./pages/sign-in";

test("a city's lead invites a department, hands it two items, the department fills only those, and the lead submits", async ({
  pageFor,
  page: department,
}) => {
  const { roundId } = await createTestRound(["heze"]);
  const lead = await createUser("city_staff", "heze");
  const page = await pageFor(lead);
  const base = `/rounds/${roundId}/cities/heze`;

  // The lead invites 统计局 from the dashboard's link.
  await visit(page, base);
  await page.getByRole("link", { name: zh("city.departmentsLink") }).click();
  await expect(page.getByRole("heading", { level: 1, name: zh("departments.title") })).toBeVisible();
  const email = `stats-${randomUUID().slice(0, 8)}@e2e.test`;
  const form = page.getByRole("form", { name: zh("departments.invite") });
  await form.getByLabel(zh("departments.departmentName")).fill("统计局");
  await form.getByLabel(zh("departments.name")).fill("王统计");
  await form.getByLabel(zh("departments.email")).fill(email);
  await form.getByLabel(zh("departments.password", { min: 10 })).fill("temporary-123");
  await form.getByRole("button", { name: zh("departments.inviteSubmit") }).click();
  await expect(form.getByRole("status")).toHaveText(
    zh("departments.invited", { name: "王统计", department: "统计局" }),
  );

  // Two items of indicator Q1 go to the department; the rest stay the lead's.
  for (const [code, name] of [
    ["Q1.1", "光纤覆盖率"],
    ["Q1.2", "是否建成政务云"],
  ] as const) {
    const choice = page.getByLabel(zh("departments.assignTo", { code, name }));
    await choice.selectOption({ label: "统计局 · 王统计" });
    await expect(
      page.getByRole("status").filter({ hasText: zh("departments.saved", { count: 1, name: "统计局 · 王统计" }) }),
    ).toBeVisible();
    await expect(choice).toBeEnabled();
  }
  const row = page.getByRole("row", { name: /王统计/ });
  await expect(row.getByRole("cell").nth(2)).toHaveText("2");
  await expect(row.getByRole("cell").nth(3)).toHaveText("0 / 2");

  // The department signs in, replaces the temporary password, and sees only its two items.
  await signInWithForm(department, { email, password: "temporary-123" });
  await expect(department).toHaveURL(/\/account\/password$/);
  await changePassword(department, "temporary-123", "stats-own-password");
  await expect(department.getByRole("heading", { level: 2, name: zh("city.myItems") })).toBeVisible();
  await expect(department.getByText(zh("city.myItemsIntro", { department: "统计局", count: 2 }))).toBeVisible();
  await department.getByRole("link", { name: zh("city.fillModule") }).click();
  await expect(department.getByRole("note")).toHaveText(zh("questionnaire.departmentNote", { count: 2 }));
  await expect(item(department, "Q1.3")).toHaveCount(0);
  await department.getByRole("textbox", { name: "光纤覆盖率", exact: true }).fill("80");
  await expectSaved(department, "Q1.1");
  await department.getByRole("radiogroup", { name: "是否建成政务云" }).getByLabel(zh("questionnaire.yes")).check();
  await expectSaved(department, "Q1.2");
  await expect(department.getByRole("button", { name: zh("questionnaire.submit") })).toHaveCount(0);
  await expect(department.getByText(zh("questionnaire.leadSubmits"))).toBeVisible();
  // The city's results, library and departments are the lead's.
  for (const path of ["results", "library", "departments"])
    expect((await visit(department, `${base}/${path}`))?.status(), path).toBe(404);

  // The lead sees the department's progress, fills the rest and submits.
  await visit(page, `${base}/departments`);
  await expect(row.getByRole("cell").nth(3)).toHaveText("2 / 2");
  const db = testDb();
  const asLead = { ...lead, locale: "zh-CN" as const };
  for (const [code, value] of [
    ["Q1.3", "built"],
    ["Q1.4", ["people"]],
    ["Q1.5", "https://data.heze.example.gov.cn"],
    ["Q1.6", "说明"],
  ] as const)
    expect(
      saveAnswer(db, asLead, { itemId: itemIdOf(roundId, code), baseRevision: 0, value, notApplicableReason: null }).ok,
    ).toBe(true);
  for (const code of ["Q1.1", "Q1.2"])
    addEvidence(db, asLead, itemIdOf(roundId, code), { kind: "url", url: `https://stats.heze.example.gov.cn/${code}` });
  await visit(page, `${base}/modules/Q`);
  await expect(page.getByRole("textbox", { name: "光纤覆盖率", exact: true })).toHaveValue("80");
  await submitModule(page);
  await expect(page.getByText(zh("status.submitted"), { exact: true })).toBeVisible();
});
