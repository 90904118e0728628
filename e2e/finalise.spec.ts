import { execFileSync } from "node:child_process";
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
import { zh } from "./messages";

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
  await expect(admin.getByRole("row", { name: /丽水/ })).toContainText("已核定");
  await expect(admin.getByRole("row", { name: /舟山/ })).toContainText("未开始");

  await admin.getByRole("button", { name: "定稿并计算最终得分" }).click();
  await expect(admin.getByRole("region", { name: "定稿" }).getByRole("alert")).toHaveText(
    "仍有 1 个模块未核定，不能定稿。",
  );
  await expect(admin.getByRole("list", { name: "阻止定稿的模块" })).toContainText("舟山 · Q · 未开始");

  // Nothing is pre-selected; marking needs a reason and a confirmation that lists what it affects.
  await expect(admin.getByRole("button", { name: "将所选 0 个模块标记为未提交" })).toBeDisabled();
  await admin.getByRole("button", { name: "全选" }).click();
  await admin.getByRole("button", { name: "将所选 1 个模块标记为未提交" }).click();
  await expect(admin.getByRole("region", { name: "定稿" }).getByRole("alert")).toHaveText("必须填写原因。");
  await admin.getByLabel("标记为未提交的原因（必填）").fill("截止日前未提交");
  await admin.getByRole("button", { name: "将所选 1 个模块标记为未提交" }).click();
  const markDialog = admin.getByRole("dialog", { name: "确认将 1 个模块标记为未提交？" });
  await expect(markDialog.getByRole("list", { name: "将标记的模块" })).toHaveText("舟山 · Q · 未开始");
  await expect(markDialog).toContainText("原因：截止日前未提交");
  await markDialog.getByRole("button", { name: "取消" }).click();
  await expect(markDialog).toBeHidden();
  await expect(admin.getByRole("row", { name: /舟山/ })).toContainText("未开始");
  await admin.getByRole("button", { name: "将所选 1 个模块标记为未提交" }).click();
  await markDialog.getByRole("button", { name: "确认标记 1 个模块" }).click();
  await expect(admin.getByText("所有模块均已核定或标记为未提交，可以定稿。")).toBeVisible();
  await expect(admin.getByRole("row", { name: /舟山/ })).toContainText("未提交");

  // Finalising before the submission deadline warns, and acts only on confirmation.
  await admin.getByRole("button", { name: "定稿并计算最终得分" }).click();
  const finaliseDialog = admin.getByRole("dialog", { name: "确认定稿并计算最终得分？" });
  await expect(finaliseDialog.getByRole("note")).toContainText("以下截止时间尚未到");
  await expect(finaliseDialog).toContainText(
    "将计算 2 个城市的最终得分和排名：1 个已核定模块按核定值计分，1 个未提交模块计 0 分。",
  );
  await finaliseDialog.getByRole("button", { name: "确认定稿" }).click();
  await expect(admin.getByText("已定稿", { exact: true })).toBeVisible();
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
  expect(lines[0]).toContain("总分");
  const totalColumn = lines[0]!.split(",").indexOf("总分");
  // After the data, a blank row and the signed record with the key's fingerprint shown on the report.
  const fingerprint = (await admin.getByTestId("key-fingerprint").textContent())!;
  expect(fingerprint).toMatch(/^([0-9a-f]{4} ){15}[0-9a-f]{4}$/);
  expect(text).toContain(`公钥指纹,${fingerprint}`);
  // Zhoushan submitted no module: listed as 未参评, without a rank, and out of the statistics.
  const rows = lines
    .slice(
      1,
      lines.findIndex((line) => /^,*$/.test(line)),
    )
    .map((line) => line.split(","));
  expect(rows).toHaveLength(2);
  expect(rows.find((r) => r.includes("舟山"))![0]).toBe("未参评");
  const totals = rows.filter((r) => r[0] !== "未参评").map((r) => Number(r[totalColumn]));
  expect(average).toBeCloseTo(totals.reduce((a, b) => a + b, 0) / totals.length, 2);
  const xlsx = await admin.request.get(`/api/rounds/${roundId}/export?format=xlsx`);
  expect(xlsx.headers()["content-type"]).toContain("spreadsheetml");

  // A city sees its own scorecard and rank, not another city's details, and cannot export.
  await visit(staffPage, `/rounds/${roundId}/report/cities/lishui`);
  await expect(staffPage.getByTestId("scorecard-total")).toContainText("排名 1 / 1");
  expect((await visit(staffPage, `/rounds/${roundId}/report/cities/zhoushan`))?.status()).toBe(404);
  expect((await staffPage.request.get(`/api/rounds/${roundId}/export?format=csv`)).status()).toBe(403);

  // The city downloads its verification file; anyone checks it in the browser, with no account.
  const bundle = await staffPage.request.get(`/api/rounds/${roundId}/bundle`);
  expect(bundle.status()).toBe(200);
  expect((await staffPage.request.get(`/api/rounds/${roundId}/bundle?city=zhoushan`)).status()).toBe(404);
  await visit(page, "/verify");
  await page
    .getByLabel("选择核验文件")
    .setInputFiles({ name: "lishui.json", mimeType: "application/json", buffer: Buffer.from(await bundle.body()) });
  await expect(page.getByRole("heading", { name: "核验通过：得分、排名与平台签名的定稿结果完全一致。" })).toBeVisible();
  await expect(page.getByTestId("bundle-fingerprint")).toHaveText(fingerprint);
  const forged = JSON.parse((await bundle.body()).toString("utf8"));
  forged.results.find((r: { level: string }) => r.level === "total").points += 500;
  await page
    .getByLabel("选择核验文件")
    .setInputFiles({ name: "forged.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(forged)) });
  await expect(page.getByRole("heading", { name: /核验未通过/ })).toBeVisible();
  await expect(page.getByText("✗ 本市结果的摘要与签名一致")).toBeVisible();
  await visit(staffPage, `/rounds/${roundId}/report`);
  await expect(staffPage.getByRole("link", { name: "舟山" })).toHaveCount(0);
  await expect(staffPage.getByRole("row", { name: /舟山/ })).toContainText("未参评");
  await expect(staffPage.getByText("另有 1 个城市所有模块均未提交，列为“未参评”")).toBeVisible();

  // Reopening the finalised round needs a reason.
  await visit(admin, `/admin/rounds/${roundId}`);
  await admin.getByRole("button", { name: "重新开放本轮" }).click();
  await expect(admin.locator("form").getByRole("alert")).toHaveText("必须填写原因。");
  await admin.getByLabel("重新开放本轮的原因（必填）").fill("舟山补交材料");
  await admin.getByRole("button", { name: "重新开放本轮" }).click();
  await admin.getByRole("dialog", { name: "确认重新开放本轮？" }).getByRole("button", { name: "确认重新开放" }).click();
  await expect(admin.getByText("进行中", { exact: true })).toBeVisible();
});
