import { openDatabase } from "@/db/client";
import { runMigrations } from "@/db/migrate";
import { databasePath } from "@/lib/config/paths";

const db = openDatabase(databasePath());
runMigrations(db);
db.$client.close();
console.log(`Migrated ${databasePath()}`);
