/** Starts the production server for the e2e run on a fresh database holding only the reference data. */
import { spawn } from "node:child_process";
import fs from "node:fs";
import { openDatabase } from "@/db/client";
import { runMigrations } from "@/db/migrate";
import { seedBase } from "@/db/seed";
import { databasePath } from "@/lib/config/paths";
import { productionServerArgs } from "@/lib/server/command";
import { E2E_DATA_DIR, E2E_PORT } from "./env";

process.env.DATA_DIR = E2E_DATA_DIR;
fs.rmSync(E2E_DATA_DIR, { recursive: true, force: true });
const db = openDatabase(databasePath());
runMigrations(db);
seedBase(db);
db.$client.close();

// Tests seed their data through db/ while the server runs (a round of 108 cities is one transaction): the server
// waits longer for that lock than in production, where nothing else writes for seconds.
const server = spawn(process.execPath, productionServerArgs(E2E_PORT, "127.0.0.1"), {
  stdio: "inherit",
  env: {
    ...process.env,
    DATA_DIR: E2E_DATA_DIR,
    EVIDENCE_MAX_MB: "2",
    DB_BUSY_TIMEOUT_MS: "5000",
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
    AUTH_SECRET: "e2e-only-secret-not-for-production-use-0123456789",
  },
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
