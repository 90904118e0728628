import type { Page } from "@playwright/test";
import { city, createUser, expect, openRound, test, visit } from "./fixtures";
import { text, zh } from "./messages";
import { signInWithForm, submitSignInForm } from "./pages/sign-in";

// What the tests read of the page, in each language: from the messages, so a wording change follows.
const TEXT = {
  "zh-CN": {
    signOut: text("zh-CN", "nav.signOut"),
    invalid: text("zh-CN", "errors.invalidCredentials"),
    throttled: text("zh-CN", "errors.signInThrottled", { minutes: 1 }),
  },
  en: {
    signOut: text("en", "nav.signOut"),
    invalid: text("en", "errors.invalidCredentials"),
    throttled: text("en", "errors.signInThrottled", { minutes: 1 }),
  },
} as const;

// The form's own alert (Next's route announcer is an alert too).
const formAlert = (page: Page) => page.locator("form").getByRole("alert");

// Each role's start page, by its heading in the chosen language.
const landings = [
  {
    role: "admin",
    cityCode: undefined,
    heading: (lang: "zh-CN" | "en") => text(lang, "admin.title"),
    path: () => /\/admin$/,
  },
  {
    role: "reviewer",
    cityCode: undefined,
    heading: (lang: "zh-CN" | "en") => text(lang, "review.title"),
    path: () => /\/review$/,
  },
  {
    role: "city_staff",
    cityCode: "hangzhou",
    heading: (lang: "zh-CN" | "en") =>
      text(lang, "city.title", { city: lang === "en" ? city("hangzhou").nameEn : city("hangzhou").nameZh }),
    path: () => new RegExp(`/rounds/${openRound().id}/cities/hangzhou$`),
  },
] as const;

for (const lang of ["zh-CN", "en"] as const) {
  for (const landing of landings) {
    test(`${landing.role} signs in (${lang}) and lands on their page`, async ({ page }) => {
      const user = await createUser(landing.role, landing.cityCode);
      await signInWithForm(page, user, lang);
      await expect(page).toHaveURL(landing.path());
      await expect(page.getByRole("heading", { level: 1, name: landing.heading(lang) })).toBeVisible();
      await expect(page.locator("html")).toHaveAttribute("lang", lang);
    });
  }
}

test("city staff land on the five modules of their city with status and counts", async ({ page }) => {
  const user = await createUser("city_staff", "hangzhou");
  await signInWithForm(page, user);
  const modules = page
    .getByRole("list")
    .filter({ has: page.getByRole("heading", { name: /智慧基础/ }) })
    .getByRole("listitem");
  await expect(modules).toHaveCount(5);
  const foundation = modules.filter({ hasText: "智慧基础" });
  await expect(foundation).toContainText(zh("status.not_started"));
  await expect(foundation).toContainText(zh("city.answered", { answered: "0", total: "12" }));
  await expect(
    foundation.getByRole("progressbar", { name: zh("city.progressLabel", { module: "智慧基础" }) }),
  ).toHaveAttribute("aria-valuemax", "12");
  expect(city("hangzhou").nameZh).toBe("杭州");
});

test("a wrong password shows the generic error and nothing else", async ({ page }) => {
  const user = await createUser("admin");
  await signInWithForm(page, { email: user.email, password: "not-the-password" });
  await expect(formAlert(page)).toHaveText(TEXT["zh-CN"].invalid);
  await expect(page).toHaveURL(/\/signin$/);
  await signInWithForm(page, { email: "nobody-here@e2e.test", password: "whatever" }, "en");
  await expect(formAlert(page)).toHaveText(TEXT.en.invalid);
});

test("after five failures an e-mail address must wait, with the same answer whether the account exists or not", async ({
  browser,
}) => {
  const user = await createUser("reviewer");
  // A client address of its own, so that these failures do not count against the other tests' 127.0.0.1.
  const context = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "198.51.100.23" } });
  const page = await context.newPage();
  await visit(page, "/signin");
  for (const email of [user.email, "nobody-at-all@e2e.test"]) {
    for (let attempt = 1; attempt <= 5; attempt++) {
      await submitSignInForm(page, { email, password: `wrong-${attempt}` });
      await expect(formAlert(page)).toHaveText(TEXT["zh-CN"].invalid);
    }
    // Now even the right password waits: the answer does not tell an existing account from an unknown one.
    await submitSignInForm(page, { email, password: user.password });
    await expect(formAlert(page)).toHaveText(TEXT["zh-CN"].throttled);
    await expect(page).toHaveURL(/\/signin$/);
  }
  await context.close();
});

test("signing out ends the session", async ({ page }) => {
  const user = await createUser("admin");
  await signInWithForm(page, user);
  await expect(page).toHaveURL(/\/admin$/);
  await page.getByRole("button", { name: TEXT["zh-CN"].signOut }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await expect(page.getByRole("heading", { name: zh("auth.title") })).toBeVisible();
  await visit(page, "/admin");
  await expect(page).toHaveURL(/\/signin$/);
});

test("the language a user chooses is remembered for their next sign-in", async ({ page: first, browser }) => {
  const user = await createUser("reviewer");
  await signInWithForm(first, user);
  await expect(first.getByRole("heading", { level: 1, name: zh("review.title") })).toBeVisible();
  await first.getByRole("button", { name: "English" }).click(); // the switch names each language in itself
  await expect(first.getByRole("heading", { level: 1, name: text("en", "review.title") })).toBeVisible();

  // A new browser without the language cookie: the saved preference applies after sign-in.
  const context = await browser.newContext();
  const second = await context.newPage();
  await signInWithForm(second, user);
  await expect(second.getByRole("heading", { level: 1, name: text("en", "review.title") })).toBeVisible();
  await context.close();
});
