import { execFileSync } from "node:child_process";
import ExcelJS from "exceljs";
import { E2E_DATA_DIR } from "./env";
import {
  approveThroughStages,
  createTestRound,
  createUser,
  expect,
  fillAndSubmit,
  itemIdOf,
  test,
  visit,
} from "./fixtures";
import { zh, zhPattern } from "./messages";
import { expectRoundStatus, finalisePanel, startFinalising } from "./pages/admin-round";

test("finalising is refused while a module is unverified, accepted after marking it not submitted; then the round is locked", async ({
  adminPage: admin,
  pageFor,
  page,
}) => {
  // A whole round's life (two roles, the CLI verify, exports and a reopening) in one journey: three times the budget.
  test.slow();
  const { roundId, reviewer, finalReviewer } = await createTestRound(["lishui", "zhoushan"]);
  const staff = await createUser("city_staff", "lishui");
  approveThroughStages(fillAndSubmit(roundId, staff), [reviewer, finalReviewer]);

  await visit(admin, `/admin/rounds/${roundId}`);
  await expect(admin.getByRole("row", { name: /丽水/ })).toContainText(zh("status.verified"));
  await expect(admin.getByRole("row", { name: /舟山/ })).toContainText(zh("status.not_started"));

  // Blocked: the server refuses at once, without asking for a confirmation.
  await startFinalising(admin);
  await expect(finalisePanel(admin).getByRole("alert")).toHaveText(zh("control.blocked", { count: 1 }));
  // A blocker is labelled city · module · status.
  const zhoushanQ = `舟山 · Q · ${zh("status.not_started")}`;
  await expect(admin.getByRole("list", { name: zh("control.blockersList") })).toContainText(zhoushanQ);

  // Nothing is pre-selected; marking needs a reason and a confirmation that lists what it affects.
  await expect(admin.getByRole("button", { name: zh("control.markNotSubmitted", { count: 0 }) })).toBeDisabled();
  await admin.getByRole("button", { name: zh("control.selectAll") }).click();
  await admin.getByRole("button", { name: zh("control.markNotSubmitted", { count: 1 }) }).click();
  await expect(finalisePanel(admin).getByRole("alert")).toHaveText(zh("errors.reasonRequired"));
  await admin.getByLabel(zh("control.notSubmittedReason")).fill("截止日前未提交");
  await admin.getByRole("button", { name: zh("control.markNotSubmitted", { count: 1 }) }).click();
  const markDialog = admin.getByRole("dialog", { name: zh("control.confirmMarkTitle", { count: 1 }) });
  await expect(markDialog.getByRole("list", { name: zh("control.confirmMarkList") })).toHaveText(zhoushanQ);
  await expect(markDialog).toContainText(zh("control.confirmReason", { reason: "截止日前未提交" }));
  await markDialog.getByRole("button", { name: zh("common.cancel") }).click();
  await expect(markDialog).toBeHidden();
  await expect(admin.getByRole("row", { name: /舟山/ })).toContainText(zh("status.not_started"));
  await admin.getByRole("button", { name: zh("control.markNotSubmitted", { count: 1 }) }).click();
  await markDialog.getByRole("button", { name: zh("control.confirmMark", { count: 1 }) }).click();
  await expect(admin.getByText(zh("control.nothingBlocks"))).toBeVisible();
  await expect(admin.getByRole("row", { name: /舟山/ })).toContainText(zh("status.not_submitted"));

  // Finalising before the submission deadline warns, and acts only on confirmation.
  const finaliseDialog = await startFinalising(admin);
  await expect(finaliseDialog.getByRole("note")).toContainText(zh("control.deadlinesAhead"));
  await expect(finaliseDialog).toContainText(
    zh("control.confirmFinaliseBody", { cities: "2", verified: "1", notSubmitted: "1" }),
  );
  await finaliseDialog.getByRole("button", { name: zh("control.confirmFinalise") }).click();
  await expectRoundStatus(admin, "finalised");
  const digest = (await admin.getByTestId("digest").textContent())!.replace("SHA-256 ", "");
  expect(digest).toMatch(/^[0-9a-f]{64}$/);

  // The city can no longer change anything; the server says why.
  const staffPage = await pageFor(staff);
  const save = await staffPage.request.put("/api/answers", {
    data: { itemId: itemIdOf(roundId, "Q1.1"), baseRevision: 1, value: 99 },
  });
  expect(save.status()).toBe(409);
  expect((await save.json()).message).toBe(zh("errors.roundNotOpen"));

  // The operator verifies the signed finalisation: signature under the instance's key, scores, digest, chain.
  const output = execFileSync(
    process.execPath,
    ["node_modules/tsx/dist/cli.mjs", "--conditions=react-server", "scripts/verify.ts", String(roundId)],
    { env: { ...process.env, DATA_DIR: E2E_DATA_DIR }, encoding: "utf8" },
  );
  expect(output).toContain(`digest ${digest}`);
  expect(output).toContain("(this instance's)");
  expect(output).toContain("OK: everything holds");

  // The report's average equals the mean of the exported totals.
  await visit(admin, `/rounds/${roundId}/report`);
  const average = Number(await admin.getByTestId("stat-mean").textContent());
  const csv = await admin.request.get(`/api/rounds/${roundId}/export?format=csv`);
  expect(csv.status()).toBe(200);
  const text = (await csv.body()).toString("utf8");
  expect(text.charCodeAt(0)).toBe(0xfeff);
  const lines = text.slice(1).trim().split(/\r?\n/);
  expect(lines[0]).toContain(zh("export.total"));
  const totalColumn = lines[0]!.split(",").indexOf(zh("export.total"));
  // After the data, a blank row and the signed record with the key's fingerprint shown on the report.
  const fingerprint = (await admin.getByTestId("key-fingerprint").textContent())!;
  expect(fingerprint).toMatch(/^([0-9a-f]{4} ){15}[0-9a-f]{4}$/);
  expect(text).toContain(`${zh("export.keyFingerprint")},${fingerprint}`);
  // Zhoushan submitted no module: listed as 未参评, without a rank, and out of the statistics.
  const rows = lines
    .slice(
      1,
      lines.findIndex((line) => /^,*$/.test(line)),
    )
    .map((line) => line.split(","));
  expect(rows).toHaveLength(2);
  expect(rows.find((r) => r.includes("舟山"))![0]).toBe(zh("export.absent"));
  const totals = rows.filter((r) => r[0] !== zh("export.absent")).map((r) => Number(r[totalColumn]));
  expect(average).toBeCloseTo(totals.reduce((a, b) => a + b, 0) / totals.length, 2);
  const xlsx = await admin.request.get(`/api/rounds/${roundId}/export?format=xlsx`);
  expect(xlsx.headers()["content-type"]).toContain("spreadsheetml");
  // Streamed, it is still a whole workbook: a row per city, a row per city and item, and the signed record.
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(await xlsx.body()) as unknown as ArrayBuffer);
  expect(workbook.worksheets.map((w) => w.name)).toEqual([
    zh("export.citiesSheet"),
    zh("export.itemsSheet"),
    zh("export.signatureSheet"),
  ]);
  expect(workbook.getWorksheet(zh("export.citiesSheet"))!.rowCount).toBe(1 + 2);
  expect(workbook.getWorksheet(zh("export.itemsSheet"))!.rowCount).toBeGreaterThan(2);

  // A city sees its own scorecard and rank, not another city's details, and cannot export.
  await visit(staffPage, `/rounds/${roundId}/report/cities/lishui`);
  await expect(staffPage.getByTestId("scorecard-total")).toHaveText(
    zhPattern("report.scorecardTotal", { rank: 1, cities: 1 }),
  );
  expect((await visit(staffPage, `/rounds/${roundId}/report/cities/zhoushan`))?.status()).toBe(404);
  expect((await staffPage.request.get(`/api/rounds/${roundId}/export?format=csv`)).status()).toBe(403);

  // The city downloads its verification file; anyone checks it in the browser, with no account.
  const bundle = await staffPage.request.get(`/api/rounds/${roundId}/bundle`);
  expect(bundle.status()).toBe(200);
  expect((await staffPage.request.get(`/api/rounds/${roundId}/bundle?city=zhoushan`)).status()).toBe(404);
  await visit(page, "/verify");
  await page
    .getByLabel(zh("verify.choose"))
    .setInputFiles({ name: "lishui.json", mimeType: "application/json", buffer: Buffer.from(await bundle.body()) });
  await expect(page.getByRole("heading", { name: zh("verify.ok") })).toBeVisible();
  await expect(page.getByTestId("bundle-fingerprint")).toHaveText(fingerprint);
  const forged = JSON.parse((await bundle.body()).toString("utf8"));
  forged.results.find((r: { level: string }) => r.level === "total").points += 500;
  await page
    .getByLabel(zh("verify.choose"))
    .setInputFiles({ name: "forged.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(forged)) });
  await expect(page.getByRole("heading", { name: zh("verify.notOk") })).toBeVisible();
  await expect(page.getByText(`✗ ${zh("verify.checks.cityDigest")}`)).toBeVisible();
  await visit(staffPage, `/rounds/${roundId}/report`);
  await expect(staffPage.getByRole("link", { name: "舟山" })).toHaveCount(0);
  await expect(staffPage.getByRole("row", { name: /舟山/ })).toContainText(zh("report.absent"));
  await expect(staffPage.getByText(zh("report.absentNote", { count: 1 }))).toBeVisible();

  // Reopening the finalised round needs a reason.
  await visit(admin, `/admin/rounds/${roundId}`);
  await admin.getByRole("button", { name: zh("control.reopenRound") }).click();
  await expect(admin.locator("form").getByRole("alert")).toHaveText(zh("errors.reasonRequired"));
  await admin.getByLabel(zh("control.reopenReason")).fill("舟山补交材料");
  await admin.getByRole("button", { name: zh("control.reopenRound") }).click();
  await admin
    .getByRole("dialog", { name: zh("control.confirmReopenTitle") })
    .getByRole("button", { name: zh("control.confirmReopen") })
    .click();
  await expectRoundStatus(admin, "open");
});
