/**
 * `npm run verify -- <round id or name>`  checks a finalised round: signature, results recomputed from the raw
 *                                         data, digest, finalisation audit entry, framework, submission snapshots,
 *                                         evidence files, audit chain up to the signed head.
 * `npm run verify -- --audit`             checks the whole audit chain and every signed head.
 * `npm run verify -- --bundle <file>`     checks a verification bundle without any database: every score and rank
 *                                         recomputed from it, its signed digest and its signature.
 * `--public-key <file.pem>`               pins the key a signature must verify under (by default this instance's).
 * Exits 0 when everything holds, 1 naming every difference, 2 on bad usage.
 */
import fs from "node:fs";
import { parseArgs } from "node:util";
import { openDatabase } from "@/db/client";
import { getRound, getRoundByName } from "@/db/rounds";
import { latestFinalisation } from "@/db/signatures";
import { type Verification, verifyAudit, verifyRound } from "@/db/verify";
import { databasePath } from "@/lib/config/paths";
import { existingSigningKeyPem } from "@/lib/config/signing-key";
import { fingerprint, publicKeyPemOf } from "@/lib/signing/signature";
import { bundleKeyFingerprint, verifyBundle } from "@/lib/verify/bundle";

function usage(message: string): never {
  console.error(message);
  console.error("usage: npm run verify -- <round id or name> | --audit | --bundle file.json   [--public-key file.pem]");
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    allowPositionals: true,
    options: { audit: { type: "boolean" }, bundle: { type: "string" }, "public-key": { type: "string" } },
  });
} catch (error) {
  usage((error as Error).message);
}
const { values, positionals } = args;
const pinned = values["public-key"]
  ? fs.readFileSync(values["public-key"], "utf8")
  : (() => {
      const own = existingSigningKeyPem();
      return own ? publicKeyPemOf(own) : undefined;
    })();

function report(outcome: Pick<Verification, "ok" | "checks">): never {
  for (const check of outcome.checks) {
    console.log(`${check.differences.length ? "FAIL" : "ok  "}  ${check.name}`);
    for (const d of check.differences.slice(0, 50)) console.log(`        ${d}`);
    if (check.differences.length > 50) console.log(`        … and ${check.differences.length - 50} more`);
  }
  console.log(outcome.ok ? "OK: everything holds" : "NOT VERIFIED: see the differences above");
  process.exit(outcome.ok ? 0 : 1);
}

if (values.bundle) {
  // A third party's check: the file alone (and the key they pinned), no database.
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(values.bundle, "utf8"));
  } catch (error) {
    usage(`cannot read ${values.bundle}: ${(error as Error).message}`);
  }
  const pinnedKey = pinned;
  const carried = (raw as { signed?: { publicKey?: string } } | null)?.signed?.publicKey;
  if (typeof carried === "string")
    console.log(
      `public key in the bundle ${await bundleKeyFingerprint(carried)}${pinnedKey ? `; pinned ${await bundleKeyFingerprint(pinnedKey)}` : " (NOT PINNED: compare it with the fingerprint the report publishes, or give --public-key)"}`,
    );
  report(await verifyBundle(raw, pinnedKey));
}

const db = openDatabase(databasePath());
console.log(
  pinned
    ? `public key ${fingerprint(pinned)} (${values["public-key"] ? "pinned" : "this instance's"})`
    : "no public key pinned: signatures are checked under the key stored with them",
);
if (values.audit) {
  const outcome = verifyAudit(db, pinned);
  console.log(`audit log: rows 1 to ${outcome.rows}`);
  report(outcome);
}
const arg = positionals.join(" ").trim();
if (!arg) usage("name a round, or give --audit");
const round = /^\d+$/.test(arg) ? getRound(db, Number(arg)) : getRoundByName(db, arg);
if (!round) usage(`no round ${arg}`);
const signed = latestFinalisation(db, round.id);
console.log(`round ${round.id} (${round.name}), ${round.status}`);
if (signed) {
  const { record } = signed.signed;
  console.log(
    `signed ${"signedAt" in record ? record.signedAt : ""}: digest ${round.digest}, audit head row ${record.auditHead.id} ${record.auditHead.hash}`,
  );
}
report(verifyRound(db, round.id, pinned));
