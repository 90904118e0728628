import fs from "node:fs";
import path from "node:path";
import { simpleParser } from "mailparser";
import { E2E_MAIL_DIR } from "./env";
import { createTestRound, createUser, expect, test, visit } from "./fixtures";
import { zh } from "./messages";

/** Every message the e2e SMTP server has received so far, parsed. */
async function inbox() {
  const files = fs.readdirSync(E2E_MAIL_DIR).filter((f) => f.endsWith(".eml"));
  return Promise.all(files.map((f) => simpleParser(fs.readFileSync(path.join(E2E_MAIL_DIR, f)))));
}

test("an admin previews who is behind, reminds them, and the reminder reaches the city's lead by e-mail", async ({
  adminPage: page,
  pageFor,
}) => {
  const { roundId } = await createTestRound(["datong"]);
  const lead = await createUser("city_staff", "datong");
  await visit(page, `/admin/rounds/${roundId}`);
  const section = page.getByRole("region", { name: zh("reminders.heading") });
  await section.getByRole("button", { name: zh("reminders.preview") }).click();
  const row = section.getByRole("row", { name: /大同/ });
  await expect(row).toContainText("Q 测试模块");
  await expect(row).toContainText(lead.email);
  await expect(row).toContainText(zh("reminders.willSend"));
  await section.getByLabel(zh("reminders.note")).fill("请于本周五前完成提交");
  await section.getByRole("button", { name: zh("reminders.send", { count: 1 }) }).click();
  const dialog = page.getByRole("dialog", { name: zh("reminders.confirmTitle") });
  await expect(dialog).toContainText("大同");
  await dialog.getByRole("button", { name: zh("reminders.confirm") }).click();
  await expect(section.getByRole("status")).toContainText(zh("reminders.sent", { count: 1 }));

  // The message arrived at the SMTP server, addressed to the lead, naming the module, the note and the page.
  await expect
    .poll(async () => (await inbox()).filter((m) => JSON.stringify(m.to).includes(lead.email)).length)
    .toBe(1);
  const [mail] = (await inbox()).filter((m) => JSON.stringify(m.to).includes(lead.email));
  expect(mail!.subject).toMatch(/^【催报】E2E .+：大同 尚有 1 个模块未提交$/);
  expect(mail!.text).toContain("Q 测试模块");
  expect(mail!.text).toContain("组织方附言：请于本周五前完成提交");
  expect(mail!.text).toContain(`/rounds/${roundId}/cities/datong`);
  // The record says so once the background delivery has finished.
  await expect(async () => {
    await visit(page, `/admin/rounds/${roundId}`);
    await expect(section.getByRole("list", { name: zh("reminders.history") })).toContainText(
      zh("reminders.emailStatus.sent"),
      { timeout: 1000 },
    );
  }).toPass();

  // In the app too; and the same deadline is not reminded of twice.
  const leadPage = await pageFor(lead);
  await visit(leadPage, "/notifications");
  await expect(leadPage.getByRole("link", { name: /催报：/ })).toBeVisible();
  await section.getByRole("button", { name: zh("reminders.preview") }).click();
  await expect(section.getByRole("row", { name: /大同/ })).toContainText("已于");
  await expect(section.getByRole("button", { name: zh("reminders.send", { count: 0 }) })).toBeDisabled();
});
