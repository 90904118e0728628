/**
 * Starts the production server for the e2e run on a fresh database holding only the reference data, with a local
 * SMTP server (smtp-server) that keeps every message it receives as a file in E2E_MAIL_DIR for the tests to read.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { SMTPServer } from "smtp-server";
import { openDatabase } from "@/db/client";
import { runMigrations } from "@/db/migrate";
import { seedBase } from "@/db/seed";
import { databasePath } from "@/lib/config/paths";
import { productionServerArgs } from "@/lib/server/command";
import { E2E_DATA_DIR, E2E_MAIL_DIR, E2E_PORT } from "./env";

process.env.DATA_DIR = E2E_DATA_DIR;
fs.rmSync(E2E_DATA_DIR, { recursive: true, force: true });
const db = openDatabase(databasePath());
runMigrations(db);
seedBase(db);
db.$client.close();

// Each message as <n>.eml, written whole under a temporary name first, so a reader never sees half of one.
fs.mkdirSync(E2E_MAIL_DIR, { recursive: true });
let received = 0;
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  onData(stream, _session, callback) {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => {
      const file = path.join(E2E_MAIL_DIR, `${++received}.eml`);
      fs.writeFileSync(`${file}.part`, Buffer.concat(chunks));
      fs.renameSync(`${file}.part`, file);
      callback();
    });
  },
});
await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
const smtpPort = (smtp.server.address() as AddressInfo).port;

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
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    APP_URL: `http://127.0.0.1:${E2E_PORT}`,
    // The automatic check would remind test rounds' cities on its own: the reminder journey sends by hand.
    REMINDER_CHECK_MINUTES: "0",
  },
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => smtp.close(() => process.exit(code ?? 0)));
