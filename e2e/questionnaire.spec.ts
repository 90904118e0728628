import { and, eq } from "drizzle-orm";
import { notifications } from "@/db/schema";
import { createTestRound, createUser, expect, itemIdOf, reload, test, testDb, visit } from "./fixtures";
import { zh, zhPattern } from "./messages";
import { expectSaved, item, PDF, submitModule } from "./pages/questionnaire";

const saved = expectSaved;

test("a staff member fills a whole module, attaches evidence, is refused while something is missing, then submits", async ({
  pageFor,
}) => {
  // Every answer type, an upload, a reload, the dashboard, a refused and an accepted submission and the
  // reviewer's notification: a long journey by nature, three times the budget.
  test.slow();
  const { roundId, reviewer } = await createTestRound(["nanjing"]);
  const staff = await createUser("city_staff", "nanjing");
  const page = await pageFor(staff);
  const url = `/rounds/${roundId}/cities/nanjing/modules/Q`;
  await visit(page, url);
  await expect(page.getByRole("heading", { level: 1, name: "Q测试模块" })).toBeVisible();

  // Every answer type, each autosaved with its provisional points; the module's status follows the first save.
  await expect(page.getByText(zh("status.not_started"), { exact: true })).toBeVisible();
  await page.getByRole("textbox", { name: "光纤覆盖率", exact: true }).fill("87.5");
  await saved(page, "Q1.1");
  await expect(page.getByText(zh("status.draft"), { exact: true })).toBeVisible();
  await expect(page.getByTestId("points-Q1.1")).toHaveText(
    zh("questionnaire.provisionalPoints", { points: "1.75", max: "2.00" }),
  );
  await page.getByRole("radiogroup", { name: "是否建成政务云" }).getByLabel(zh("questionnaire.yes")).check();
  await saved(page, "Q1.2");
  await page.getByRole("radiogroup", { name: "平台建设状态" }).getByLabel("已对接省级").check();
  await saved(page, "Q1.3");
  await page.getByRole("group", { name: "已建数据库" }).getByLabel("人口").check();
  await page.getByRole("group", { name: "已建数据库" }).getByLabel("空间地理").check();
  await saved(page, "Q1.4");
  await expect(page.getByTestId("points-Q1.4")).toHaveText(
    zh("questionnaire.provisionalPoints", { points: "1.00", max: "1.50" }),
  );
  await page.getByRole("textbox", { name: "数据开放平台", exact: true }).fill("https://data.nanjing.example.gov.cn");
  await saved(page, "Q1.5");
  await page.getByRole("textbox", { name: "补充说明", exact: true }).fill("数据截至2019年6月30日");
  await saved(page, "Q1.6");
  await expect(page.getByTestId("module-points")).toHaveText(
    zh("questionnaire.pointsOf", { points: "9.25", max: "10.00" }),
  );
  await expect(page.getByTestId("indicator-points-Q1")).toHaveText(
    zh("questionnaire.provisionalPoints", { points: "9.25", max: "10.00" }),
  );

  // A PDF with a Chinese name for Q1.1 (progress and listing), none yet for Q1.2.
  await page
    .getByLabel(zh("evidence.fileInput", { item: "光纤覆盖率" }))
    .setInputFiles({ name: "统计公报2019.pdf", mimeType: "application/pdf", buffer: PDF });
  const evidence = item(page, "Q1.1").getByRole("region", { name: zh("evidence.title", { item: "光纤覆盖率" }) });
  await expect(evidence.getByRole("link", { name: "统计公报2019.pdf" })).toBeVisible();
  await expect(evidence).toContainText(staff.name);

  await submitModule(page);
  const refusal = page.getByRole("complementary").getByRole("alert");
  await expect(refusal).toContainText(zh("errors.incomplete"));
  await expect(
    refusal.getByRole("link", { name: zh("questionnaire.missingEvidence", { code: "Q1.2", name: "是否建成政务云" }) }),
  ).toHaveAttribute("href", "#item-Q1.2");
  await expect(refusal.getByRole("link")).toHaveCount(1);

  await page
    .getByRole("textbox", { name: zh("evidence.linkInput", { item: "是否建成政务云" }) })
    .fill("https://www.nanjing.example.gov.cn/doc/2019-12");
  await page
    .getByRole("button", { name: zh("evidence.addLink") })
    .nth(1)
    .click();
  await expect(
    item(page, "Q1.2").getByRole("link", { name: "https://www.nanjing.example.gov.cn/doc/2019-12" }),
  ).toBeVisible();

  // Reloading shows exactly what was saved.
  await reload(page);
  await expect(page.getByRole("textbox", { name: "光纤覆盖率", exact: true })).toHaveValue("87.5");
  await expect(
    page.getByRole("radiogroup", { name: "是否建成政务云" }).getByLabel(zh("questionnaire.yes")),
  ).toBeChecked();
  await expect(page.getByRole("radiogroup", { name: "平台建设状态" }).getByLabel("已对接省级")).toBeChecked();
  await expect(page.getByRole("group", { name: "已建数据库" }).getByLabel("人口")).toBeChecked();
  await expect(page.getByRole("group", { name: "已建数据库" }).getByLabel("法人")).not.toBeChecked();
  await expect(page.getByRole("textbox", { name: "数据开放平台", exact: true })).toHaveValue(
    "https://data.nanjing.example.gov.cn",
  );
  await expect(page.getByRole("textbox", { name: "补充说明", exact: true })).toHaveValue("数据截至2019年6月30日");
  await expect(item(page, "Q1.1").getByRole("link", { name: "统计公报2019.pdf" })).toBeVisible();
  await expect(page.getByTestId("module-points")).toHaveText(
    zh("questionnaire.pointsOf", { points: "9.25", max: "10.00" }),
  );

  // The dashboard shows the same progress and provisional score.
  await visit(page, `/rounds/${roundId}/cities/nanjing`);
  const card = page.getByRole("listitem").filter({ hasText: "测试模块" });
  await expect(card).toContainText(zh("city.answered", { answered: "6", total: "6" }));
  await expect(card).toContainText(zh("city.pointsOf", { points: "9.25", max: "10.00" }));
  await expect(card).toContainText(zh("status.draft"));

  await visit(page, url);
  // Evidence can be deleted until the module is submitted (so that the check below can fail).
  await expect(page.getByRole("button", { name: zhPattern("evidence.deleteNamed") }).first()).toBeVisible();
  await submitModule(page);
  await expect(page.getByRole("status").filter({ hasText: zh("questionnaire.readOnlySubmitted") })).toBeVisible();
  await expect(page.getByRole("textbox", { name: "光纤覆盖率", exact: true })).toBeDisabled();
  await expect(page.getByRole("button", { name: zh("questionnaire.submit") })).toHaveCount(0);
  await expect(page.getByRole("button", { name: zhPattern("evidence.deleteNamed") })).toHaveCount(0);
  await expect(page.getByText(zh("status.submitted"), { exact: true })).toBeVisible();
  await expect(page.getByText(zh("questionnaire.version", { version: 1 }), { exact: true })).toBeVisible();

  // The server refuses a save now, whatever the browser sends; the stage-1 reviewer was notified.
  const refused = await page.request.put("/api/answers", {
    data: { itemId: itemIdOf(roundId, "Q1.1"), baseRevision: 1, value: 1 },
  });
  expect(refused.status()).toBe(409);
  expect((await refused.json()).message).toBe(zh("errors.wrongState"));
  const notified = testDb()
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, reviewer.id), eq(notifications.kind, "submitted")))
    .all();
  expect(notified).toHaveLength(1);

  const reviewerPage = await pageFor(reviewer);
  await visit(reviewerPage, "/notifications");
  await expect(reviewerPage.getByLabel(zh("nav.unread", { count: 1 }))).toBeVisible();
  await expect(
    reviewerPage
      .getByRole("listitem")
      .filter({ hasText: zh("notifications.kinds.submitted", { city: "南京", module: "测试模块", version: "1" }) }),
  ).toBeVisible();
  await reviewerPage.getByRole("button", { name: zh("notifications.markAllRead") }).click();
  await expect(reviewerPage.getByLabel(zh("nav.unread", { count: 1 }))).toHaveCount(0);
});

test("evidence downloads keep the Chinese name and are refused to another city's staff", async ({
  pageFor,
  browser,
}) => {
  const { roundId } = await createTestRound(["suzhou", "wuxi"]);
  const page = await pageFor(await createUser("city_staff", "suzhou"));
  await visit(page, `/rounds/${roundId}/cities/suzhou/modules/Q`);
  await page
    .getByLabel(zh("evidence.fileInput", { item: "光纤覆盖率" }))
    .setInputFiles({ name: "统计公报.pdf", mimeType: "application/pdf", buffer: PDF });
  const link = item(page, "Q1.1").getByRole("link", { name: "统计公报.pdf" });
  const href = (await link.getAttribute("href"))!;

  const own = await page.request.get(href);
  expect(own.status()).toBe(200);
  expect(own.headers()["content-type"]).toBe("application/pdf");
  expect(own.headers()["content-disposition"]).toContain("filename*=UTF-8''%E7%BB%9F%E8%AE%A1%E5%85%AC%E6%8A%A5.pdf");
  expect(Buffer.from(await own.body())).toEqual(PDF);

  const other = await pageFor(await createUser("city_staff", "wuxi"));
  expect((await other.request.get(href)).status()).toBe(404);
  expect((await visit(other, `/rounds/${roundId}/cities/suzhou/modules/Q`))?.status()).toBe(404);
  const anonymousContext = await browser.newContext();
  expect((await anonymousContext.request.get(href)).status()).toBe(401);
  await anonymousContext.close();
});

test("an oversized file and a renamed .exe are refused with clear reasons and leave nothing behind", async ({
  pageFor,
}) => {
  const { roundId } = await createTestRound(["changzhou"]);
  const page = await pageFor(await createUser("city_staff", "changzhou"));
  await visit(page, `/rounds/${roundId}/cities/changzhou/modules/Q`);
  const upload = page.getByLabel(zh("evidence.fileInput", { item: "光纤覆盖率" }));
  const region = item(page, "Q1.1");

  await upload.setInputFiles({
    name: "年鉴扫描.pdf",
    mimeType: "application/pdf",
    buffer: Buffer.concat([PDF, Buffer.alloc(3 * 1024 * 1024)]),
  });
  await expect(region.getByRole("alert")).toContainText(
    `年鉴扫描.pdf${zh("common.colon")}${zh("evidence.tooLarge", { max: 2 })}`,
  );

  const exe = Buffer.concat([Buffer.from("MZ"), Buffer.alloc(4096, 7)]);
  await upload.setInputFiles({ name: "report.pdf", mimeType: "application/pdf", buffer: exe });
  await expect(region.getByRole("alert")).toContainText(
    `report.pdf${zh("common.colon")}${zh("errors.fileTypeNotAllowed")}`,
  );
  await expect(region.getByRole("heading", { name: zh("evidence.heading", { count: 0 }) })).toBeVisible();

  // The server itself refuses an oversized body, whatever the browser checks.
  const tooBig = await page.request.post(`/api/evidence?itemId=${itemIdOf(roundId, "Q1.1")}`, {
    headers: { "X-File-Name": encodeURIComponent("big.pdf"), "Content-Type": "application/octet-stream" },
    data: Buffer.alloc(3 * 1024 * 1024),
  });
  expect(tooBig.status()).toBe(413);
  expect((await tooBig.json()).message).toBe(zh("errors.fileTooLarge", { max: 2 }));
});

test("two staff of one city editing the same item: the later save is refused and shows the newer value and who saved it", async ({
  pageFor,
}) => {
  const { roundId } = await createTestRound(["yangzhou"]);
  const first = await createUser("city_staff", "yangzhou");
  const second = await createUser("city_staff", "yangzhou");
  const url = `/rounds/${roundId}/cities/yangzhou/modules/Q`;
  const pageA = await pageFor(first);
  const pageB = await pageFor(second);
  await visit(pageA, url);
  await visit(pageB, url);

  await pageA.getByRole("textbox", { name: "光纤覆盖率", exact: true }).fill("10");
  await saved(pageA, "Q1.1");
  await pageB.getByRole("textbox", { name: "光纤覆盖率", exact: true }).fill("20");
  const conflict = item(pageB, "Q1.1").getByRole("alert");
  await expect(conflict).toContainText(zh("errors.staleRevision", { name: first.name }));
  await expect(conflict).toContainText(zh("questionnaire.conflictValue", { value: "10 %" }));

  await conflict.getByRole("button", { name: zh("questionnaire.keepMine") }).click();
  await saved(pageB, "Q1.1");
  await reload(pageA);
  await expect(pageA.getByRole("textbox", { name: "光纤覆盖率", exact: true })).toHaveValue("20");
});

test("typing while offline is kept, shown as unsaved, and saved when the network returns", async ({ pageFor }) => {
  const { roundId } = await createTestRound(["xuzhou"]);
  const page = await pageFor(await createUser("city_staff", "xuzhou"));
  const context = page.context();
  await visit(page, `/rounds/${roundId}/cities/xuzhou/modules/Q`);
  await context.setOffline(true);
  await page.getByRole("textbox", { name: "光纤覆盖率", exact: true }).fill("55");
  await expect(item(page, "Q1.1").getByRole("status")).toHaveText(zh("questionnaire.save.retrying"));
  await expect(page.getByRole("complementary").getByRole("status")).toHaveText(zh("questionnaire.unsavedChanges"));
  await context.setOffline(false);
  await saved(page, "Q1.1");
  await reload(page);
  await expect(page.getByRole("textbox", { name: "光纤覆盖率", exact: true })).toHaveValue("55");
});

test("free text in a number field is refused in the form and by the server", async ({ pageFor }) => {
  const { roundId } = await createTestRound(["zhenjiang"]);
  const page = await pageFor(await createUser("city_staff", "zhenjiang"));
  await visit(page, `/rounds/${roundId}/cities/zhenjiang/modules/Q`);
  await page.getByRole("textbox", { name: "光纤覆盖率", exact: true }).fill("N/A");
  await expect(item(page, "Q1.1")).toContainText(zh("errors.notANumber"));
  await expect(item(page, "Q1.1").getByRole("status")).toHaveText(zh("questionnaire.save.invalid"));

  const direct = await page.request.put("/api/answers", { data: { itemId: 999_999, baseRevision: 0, value: "N/A" } });
  expect(direct.status()).toBe(404);
});

test("after the submission deadline, submitting is refused with the deadline shown", async ({ pageFor }) => {
  const { roundId } = await createTestRound(["huaian"], { deadline: new Date("2020-03-31T10:00:00Z") });
  const page = await pageFor(await createUser("city_staff", "huaian"));
  await visit(page, `/rounds/${roundId}/cities/huaian/modules/Q`);
  for (const code of ["Q1.1", "Q1.2", "Q1.3", "Q1.4", "Q1.5"]) {
    await item(page, code).getByLabel(zh("questionnaire.notApplicable"), { exact: true }).check();
    await item(page, code).getByLabel(zh("questionnaire.notApplicableReason")).fill("本市不适用");
    await saved(page, code);
  }
  await submitModule(page);
  await expect(page.getByRole("complementary").getByRole("alert")).toHaveText(
    zh("questionnaire.pastDeadline", { deadline: "2020年3月31日 18:00" }),
  );
});
