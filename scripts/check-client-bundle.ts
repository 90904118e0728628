/**
 * `npx tsx scripts/check-client-bundle.ts [dir]` (a phase of `npm test`, after `next build`): nothing of the
 * database may reach the browser. Reads every file under .next/static/ — the chunks any visitor can download —
 * and exits 1, naming the file and the word, if one holds a secret column's name or drizzle's table marker
 * (the sign that db/schema.ts was bundled). Also exits 1 when there is no .js chunk to read, so that it cannot
 * pass without having looked.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

/** Secret columns as the schema names them (SQL and TypeScript), and what only a drizzle table carries. */
export const FORBIDDEN_WORDS = [
  "password_hash",
  "passwordHash",
  "failed_logins",
  "failedLogins",
  "locked_until",
  "lockedUntil",
  "storage_key",
  "storageKey",
  "sign_in_throttle",
  "sqliteTable",
  "SQLiteTable",
  "drizzle:IsDrizzleTable",
] as const;

export type Finding = { file: string; word: string };

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
// Whole identifiers only: `passwordHash` but not `passwordHashes`.
const pattern = new RegExp(`(?<![A-Za-z0-9_$])(${FORBIDDEN_WORDS.map(escape).join("|")})(?![A-Za-z0-9_$])`, "g");

/** The forbidden words in one file's text, each once. */
export function findForbiddenWords(text: string): string[] {
  return [...new Set(Array.from(text.matchAll(pattern), (m) => m[1]!))];
}

function listFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : e.isFile() ? [path.join(dir, e.name)] : []))
    .sort();
}

/**
 * Every finding under dir (paths relative to it). Throws when dir does not exist or holds no .js file: then
 * there was no build to check, and passing would prove nothing.
 */
export function scanClientBundle(dir: string): { files: number; scripts: number; findings: Finding[] } {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new Error(`${dir} does not exist: run \`npx next build\` first`);
  const files = listFiles(dir);
  const scripts = files.filter((f) => f.endsWith(".js")).length;
  if (scripts === 0) throw new Error(`${dir} holds no .js chunk: run \`npx next build\` first`);
  const findings = files.flatMap((file) =>
    findForbiddenWords(fs.readFileSync(file, "latin1")).map((word) => ({ file: path.relative(dir, file), word })),
  );
  return { files: files.length, scripts, findings };
}

function main(dir = path.join(".next", "static")): number {
  try {
    const { files, scripts, findings } = scanClientBundle(dir);
    for (const { file, word } of findings) console.error(`${path.join(dir, file)}: ${word}`);
    if (findings.length) {
      console.error(
        `\n${findings.length} finding(s): database code or a secret column's name is in a public chunk. A client component imports db/ (directly or through lib/)?`,
      );
      return 1;
    }
    console.log(`${dir}: ${files} files (${scripts} .js chunks), none names a secret column or a drizzle table.`);
    return 0;
  } catch (e) {
    console.error((e as Error).message);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href)
  process.exit(main(process.argv[2]));
