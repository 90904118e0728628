import { defineConfig, devices } from "@playwright/test";
import { E2E_DATA_DIR, E2E_PORT } from "./e2e/env";

// Browsers cannot be downloaded here: use the system Chromium (Debian's `chromium` package).
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

// Budgets for a loaded 2-core machine (CI's size), where a journey runs 2–3 times slower than on a quiet one:
// the longest ordinary test takes about 15 s there, so 60 s leaves four times that; journeys that are long
// by nature say so with test.slow() (three times the budget). A single assertion or action waits for one
// server round trip behind the other worker's, 20 s at most.
export default defineConfig({
  testDir: "e2e",
  // Tests seed through db/, whose modules start with `import "server-only"`: that package throws unless resolved
  // with the react-server condition, which Playwright's workers cannot be given. e2e/tsconfig.json maps it to
  // the package's own empty module for every file the tests load (the e2e server runs under that condition).
  tsconfig: "./e2e/tsconfig.json",
  timeout: 60_000,
  expect: { timeout: 20_000 },
  forbidOnly: !!process.env.CI,
  // In CI a failed test runs once more, and one that then passes is reported as flaky in the output, never
  // hidden; `npm run test:e2e:stress` runs without retries.
  retries: process.env.CI ? 1 : 0,
  workers: 2,
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    actionTimeout: 20_000,
    navigationTimeout: 30_000,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"] } }],
  webServer: {
    // A production build (`next build` runs before `playwright test`) on a throwaway database.
    command: "tsx --conditions=react-server e2e/server.ts",
    url: `http://127.0.0.1:${E2E_PORT}/signin`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    env: { DATA_DIR: E2E_DATA_DIR, PORT: String(E2E_PORT) },
  },
});
