import { databasePath } from "@/lib/config/paths";
import { openDatabase } from "@/db/client";
import { formatDemoLogins, migrateAndSeed } from "@/db/seed";

async function main() {
  const db = openDatabase(databasePath());
  const logins = await migrateAndSeed(db, console.log);
  db.$client.close();
  console.log(`Seeded ${databasePath()}\n\n${formatDemoLogins(logins)}`);
}

void main();
