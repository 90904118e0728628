import { randomUUID } from "node:crypto";
import { getRound } from "@/db/rounds";
import { createTestRound, createUser, expect, test, testDb, visit } from "./fixtures";
import { zh } from "./messages";
import { cloneRound, expectRoundStatus, openDraftRound, roundSettings, saveSettings } from "./pages/admin-round";

test("an admin clones a round into a draft, sets its deadline, opens it, and the city sees it", async ({
  adminPage: page,
  pageFor,
}) => {
  const { roundId } = await createTestRound(["yibin"]);
  const source = getRound(testDb(), roundId)!.name;
  await visit(page, "/admin");
  const name = `第十届 ${randomUUID().slice(0, 6)}`;
  await cloneRound(page, { source, name, year: 2100 });
  await expectRoundStatus(page, "draft");

  // The draft's framework is replaced from a JSON file: a broken one is refused with every problem by code.
  const framework = (await (
    await page.request.get(page.url().replace("/admin/rounds/", "/api/rounds/") + "/framework")
  ).json()) as {
    modules: { indicators: { items: { code: string; points: number; rule: unknown }[] }[] }[];
  };
  const broken = structuredClone(framework);
  broken.modules[0]!.indicators[0]!.items[0]!.points = 99;
  const upload = page.getByLabel(zh("framework.import"));
  await upload.setInputFiles({
    name: "broken.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(broken)),
  });
  const section = page.getByRole("region", { name: zh("framework.title") });
  const problems = section.getByRole("alert");
  await expect(problems).toContainText(zh("errors.frameworkInvalid", { count: 1 }));
  await expect(problems).toContainText(`Q1: ${zh("frameworkProblems.itemsSum", { actual: "107", expected: "10" })}`);
  framework.modules[0]!.indicators[0]!.items[0]!.rule = { kind: "linear", lo: 10, hi: 100 };
  await upload.setInputFiles({
    name: "raised.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(framework)),
  });
  await expect(section.getByRole("status")).toHaveText(zh("framework.imported"));

  await roundSettings(page).getByLabel(zh("rounds.submissionDeadline")).fill("2100-12-31");
  await saveSettings(page);
  await openDraftRound(page);
  await expect(page.getByText(zh("framework.frozen"))).toBeVisible();
  const frozen = await page.request.put(page.url().replace("/admin/rounds/", "/api/rounds/") + "/framework", {
    data: framework,
  });
  expect(frozen.status()).toBe(409);
  expect(await frozen.json()).toMatchObject({ error: "roundNotDraft", message: zh("errors.roundNotDraft") });

  const staff = await pageFor(await createUser("city_staff", "yibin"));
  await visit(staff, "/city");
  await expect(staff.getByText(zh("city.round", { round: name }))).toBeVisible();
  await expect(staff.getByText(zh("city.deadline", { deadline: "2100年12月31日 23:59" }))).toBeVisible();
});
