import { openDatabase } from "@/db/client";
import { formatDemoLogins, migrateAndSeed } from "@/db/seed";
import { databasePath, dataDir } from "@/lib/config/paths";
import { refuseWhileServerRuns } from "@/lib/config/server-lock";

async function main() {
  refuseWhileServerRuns(dataDir(), "Seeding");
  const db = openDatabase(databasePath());
  const logins = await migrateAndSeed(db, console.log);
  db.$client.close();
  console.log(`Seeded ${databasePath()}\n\n${formatDemoLogins(logins)}`);
}

void main();
