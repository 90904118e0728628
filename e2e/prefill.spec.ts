import { finaliseRound } from "@/db/finalise";
import { cloneRound, openRound } from "@/db/rounds";
import {
  approveThroughStages,
  createTestRound,
  createUser,
  expect,
  fillAndSubmit,
  test,
  testDb,
  visit,
} from "./fixtures";
import { zh } from "./messages";
import { item } from "./pages/questionnaire";

test("a city starts the new round from last round's verified values, and checks them before submitting", async ({
  pageFor,
}) => {
  test.slow(); // a round finalised and cloned first
  const { roundId, reviewer, finalReviewer } = await createTestRound(["yangzhou"]);
  const staff = await createUser("city_staff", "yangzhou");
  const admin = await createUser("admin");
  const asUser = (u: typeof admin) => ({ ...u, locale: "zh-CN" as const });
  approveThroughStages(fillAndSubmit(roundId, staff), [reviewer, finalReviewer]);
  const db = testDb();
  expect(finaliseRound(db, asUser(admin), roundId).ok).toBe(true);
  const cloned = cloneRound(db, admin.id, roundId, { name: `下一轮 ${roundId}`, year: 2100 });
  if (!cloned.ok) throw new Error(cloned.reason);
  expect(openRound(db, asUser(admin), cloned.id).ok).toBe(true);

  const page = await pageFor(staff);
  await visit(page, `/rounds/${cloned.id}/cities/yangzhou/modules/Q`);
  const panel = page.getByRole("region", { name: zh("questionnaire.prefill.heading") });
  await expect(panel).toContainText("光纤覆盖率");
  await panel.getByRole("button", { name: zh("questionnaire.prefill.copyAll", { count: 6 }) }).click();

  // Copied: every field shows last round's value, marked until checked.
  await expect(page.getByRole("textbox", { name: "光纤覆盖率", exact: true })).toHaveValue("80");
  await expect(item(page, "Q1.1").getByText(zh("questionnaire.prefilledBadge"))).toBeVisible();
  await expect(panel).toContainText(zh("questionnaire.prefill.toConfirm", { count: 6 }));
  await panel
    .getByRole("button", { name: zh("questionnaire.prefill.confirmNamed", { name: "Q1.1 光纤覆盖率" }) })
    .click();
  await expect(panel).toContainText(zh("questionnaire.prefill.toConfirm", { count: 5 }));

  // Submitting lists the values still to check.
  await page.getByRole("button", { name: zh("questionnaire.submit") }).click();
  await expect(
    page.getByRole("link", { name: zh("questionnaire.missingConfirmation", { code: "Q1.2", name: "是否建成政务云" }) }),
  ).toBeVisible();
});
