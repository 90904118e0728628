/** Starts the production server for the e2e run on a fresh database holding only the reference data. */
import { spawn } from "node:child_process";
import fs from "node:fs";
import { openDatabase } from "@/db/client";
import { runMigrations } from "@/db/migrate";
import { seedBase } from "@/db/seed";
import { databasePath } from "@/lib/config/paths";
import { E2E_DATA_DIR, E2E_PORT } from "./env";

process.env.DATA_DIR = E2E_DATA_DIR;
fs.rmSync(E2E_DATA_DIR, { recursive: true, force: true });
const db = openDatabase(databasePath());
runMigrations(db);
seedBase(db);
db.$client.close();

const server = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(E2E_PORT), "-H", "127.0.0.1"], {
  stdio: "inherit",
  env: { ...process.env, DATA_DIR: E2E_DATA_DIR, EVIDENCE_MAX_MB: "2", AUTH_SECRET: "e2e-only-secret-not-for-production-use-0123456789" },
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
