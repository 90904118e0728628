/**
 * `npm run demo`: after `next build`, migrates and seeds the embedded SQLite under DATA_DIR, prints the demo
 * logins and starts the production server on PORT (3000).
 */
import { spawn } from "node:child_process";
import { openDatabase } from "@/db/client";
import { DEMO_ROUND_NAME } from "@/db/demo-round";
import { formatDemoLogins, migrateAndSeed } from "@/db/seed";
import { databasePath, dataDir } from "@/lib/config/paths";
import { authSecret } from "@/lib/config/secret";
import { refuseWhileServerRuns } from "@/lib/config/server-lock";
import { productionServerArgs } from "@/lib/server/command";

async function main() {
  const port = process.env.PORT ?? "3000";
  refuseWhileServerRuns(dataDir(), "npm run demo");
  const db = openDatabase(databasePath());
  const logins = await migrateAndSeed(db, console.log);
  db.$client.close();
  console.log(
    `\nCityEval demo — data in ${dataDir()}\n\n${formatDemoLogins(logins)}\n\nOpen http://localhost:${port}\n` +
      `Check the signed demo round: DATA_DIR=${dataDir()} npm run verify -- "${DEMO_ROUND_NAME}"  (and the audit log: npm run verify -- --audit)\n`,
  );

  const server = spawn(process.execPath, productionServerArgs(port), {
    stdio: "inherit",
    env: { ...process.env, AUTH_SECRET: authSecret(), AUTH_TRUST_HOST: process.env.AUTH_TRUST_HOST ?? "true" },
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
  server.on("exit", (code) => process.exit(code ?? 0));
}

void main();
