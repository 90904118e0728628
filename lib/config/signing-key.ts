import fs from "node:fs";
import path from "node:path";
import { newSigningKeyPem, publicKeyPemOf } from "@/lib/signing/signature";
import { dataDir } from "./paths";

/**
 * This instance's Ed25519 signing key (PKCS#8 PEM), kept outside the database: SIGNING_KEY from the
 * environment, or generated once into DATA_DIR/signing-key (0600), like the auth secret. Whoever can write the
 * database cannot forge a signature without it.
 */
let cached: string | undefined;

export function signingKeyPem(): string {
  cached ??= readOrCreate();
  return cached;
}

function readOrCreate(): string {
  if (process.env.SIGNING_KEY) return process.env.SIGNING_KEY.replace(/\\n/g, "\n");
  const file = path.join(dataDir(), "signing-key");
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    fs.mkdirSync(dataDir(), { recursive: true, mode: 0o700 });
    const pem = newSigningKeyPem();
    try {
      fs.writeFileSync(file, pem, { flag: "wx", mode: 0o600 });
      return pem;
    } catch {
      return fs.readFileSync(file, "utf8"); // another process created it first
    }
  }
}

/** The key if this instance has one (SIGNING_KEY or the file), without creating it: for verifying. */
export function existingSigningKeyPem(): string | null {
  if (cached || process.env.SIGNING_KEY) return signingKeyPem();
  try {
    return fs.readFileSync(path.join(dataDir(), "signing-key"), "utf8");
  } catch {
    return null;
  }
}

/** This instance's public key (SPKI PEM), the one its signatures must verify under. */
export function ownPublicKey(): string {
  return publicKeyPemOf(signingKeyPem());
}
