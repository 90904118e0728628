import { defineConfig, devices } from "@playwright/test";
import { E2E_DATA_DIR, E2E_PORT } from "./e2e/env";

// Browsers cannot be downloaded here: use the system Chromium (Debian's `chromium` package).
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: "e2e",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"] } }],
  webServer: {
    // A production build (`next build` runs before `playwright test`) on a throwaway database.
    command: "tsx e2e/server.ts",
    url: `http://127.0.0.1:${E2E_PORT}/signin`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    env: { DATA_DIR: E2E_DATA_DIR, PORT: String(E2E_PORT) },
  },
});
