import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    // Nothing of the database in the browser: components take data as props, never from db/ (not even a type).
    files: ["components/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(@/|(\\.\\./)+)db(/|$)",
              message:
                "components/ never import db/ (server-only; its schema must not reach a browser chunk): take the data as props, and shared enums and types from @/lib/domain.",
            },
            {
              group: ["drizzle-orm", "drizzle-orm/*", "better-sqlite3"],
              message: "components/ never touch the database: take the data as props.",
            },
          ],
        },
      ],
    },
  },
  // Routes stay thin: every query is a named function in db/ (pages, layouts, handlers and actions call those).
  {
    files: ["app/**/*.ts", "app/**/*.tsx"],
    ignores: ["app/**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(@/|(\\.\\./)+)db/schema$",
              message: "app/ runs no queries of its own: call a named function of db/ (add one if needed).",
            },
            {
              group: ["drizzle-orm", "drizzle-orm/*", "better-sqlite3"],
              message: "app/ runs no queries of its own: call a named function of db/.",
            },
          ],
        },
      ],
    },
  },
  // Playwright fixtures hand their value to a callback named `use`; there is no React in e2e/.
  { files: ["e2e/**/*.ts"], rules: { "react-hooks/rules-of-hooks": "off" } },
  {
    // Journeys wait for the state the UI promises: a page loaded with goto/reload is not yet hydrated.
    files: ["e2e/**/*.spec.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.property.name='goto']",
          message: "Use visit(page, url) from ./fixtures: it waits until the page is hydrated.",
        },
        {
          selector: "CallExpression[callee.property.name='reload']",
          message: "Use reload(page) from ./fixtures: it waits until the page is hydrated.",
        },
      ],
      "no-restricted-imports": [
        "error",
        {
          name: "@playwright/test",
          importNames: ["test", "expect"],
          message: "Import test and expect from ./fixtures (signed-in pages, contexts closed after each test).",
        },
      ],
    },
  },
  globalIgnores([
    ".next/**",
    "out/**",
    "build/**",
    "next-env.d.ts",
    ".data/**",
    ".data-*/**",
    "test-results/**",
    "playwright-report/**",
  ]),
]);
