import { eq } from "drizzle-orm";
import { users } from "@/db/schema";
import { createUser, expect, openRound, test, testDb, visit } from "./fixtures";
import { zh } from "./messages";

test("anonymous visitors are sent to sign-in and API calls get 401", async ({ page }) => {
  await visit(page, `/rounds/${openRound().id}/cities/shanghai`);
  await expect(page).toHaveURL(/\/signin$/);
  const api = await page.request.put("/api/answers", { data: { itemId: 1, baseRevision: 0, value: 1 } });
  expect(api.status()).toBe(401);
  expect((await api.json()).error).toBe("unauthenticated");
});

test("city staff get a 404 on another city's dashboard, an admin page and the review queue", async ({ pageFor }) => {
  const page = await pageFor(await createUser("city_staff", "shanghai"));
  const round = openRound();

  const own = await visit(page, `/rounds/${round.id}/cities/shanghai`);
  expect(own?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1, name: zh("city.title", { city: "上海" }) })).toBeVisible();

  for (const url of [
    `/rounds/${round.id}/cities/beijing`,
    "/admin",
    "/review",
    `/rounds/999999/cities/shanghai`,
    `/rounds/x/cities/shanghai`,
  ]) {
    const response = await visit(page, url);
    expect(response?.status(), url).toBe(404);
    await expect(page.getByRole("heading", { name: zh("errors.notFoundTitle") })).toBeVisible();
    await expect(page.getByText("北京")).toHaveCount(0);
  }
});

test("a reviewer gets a 404 on admin and city pages; an admin may open any city's dashboard", async ({
  pageFor,
  adminPage,
}) => {
  const page = await pageFor(await createUser("reviewer"));
  for (const url of ["/admin", `/rounds/${openRound().id}/cities/beijing`]) {
    expect((await visit(page, url))?.status(), url).toBe(404);
  }

  await visit(adminPage, `/rounds/${openRound().id}/cities/beijing`);
  await expect(adminPage.getByRole("heading", { level: 1, name: zh("city.title", { city: "北京" }) })).toBeVisible();
  await visit(adminPage, "/admin");
  const round = adminPage.getByRole("article").filter({ hasText: openRound().name });
  await expect(round).toContainText(zh("roundStatus.open"));
  await expect(round).toContainText(zh("admin.citiesCount", { count: "108" }));
});

test("a deactivated account loses access at once, even with a valid session", async ({ pageFor }) => {
  const admin = await createUser("admin");
  const page = await pageFor(admin);
  await visit(page, "/admin");
  await expect(page).toHaveURL(/\/admin$/);
  testDb().update(users).set({ active: false }).where(eq(users.id, admin.id)).run();
  await visit(page, "/admin");
  await expect(page).toHaveURL(/\/signin$/);
});
