/**
 * Signed records: what an instance vouches for (a finalised round's digest and framework, the audit chain's
 * head) as canonical JSON (RFC 8785) signed with Ed25519 (node:crypto). Anyone holding the public key can
 * check a record without the server; `fingerprint` is what people compare by eye.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from "node:crypto";
import canonicalize from "canonicalize";

export type AuditHead = { id: number; hash: string };

export type FinalisationRecord = {
  kind: "cityeval.finalisation";
  roundId: number;
  roundName: string;
  /** SHA-256 of the round's framework (lib/framework/revision.ts) */
  frameworkHash: string;
  /** SHA-256 of the frozen results (db/finalise.ts computeRoundResults) */
  digest: string;
  /** per city id, SHA-256 of its part (lib/scoring/round-results.ts cityCanonical): what a city's bundle checks */
  cityDigests: Record<string, string>;
  /** SHA-256 of the participants' codes, names, regions and tiers (participantsCanonical) */
  participantsHash: string;
  /** SHA-256 of every city's published points (rankingCanonical): what a city's ranks are checked against */
  rankingHash: string;
  cities: number;
  /** the audit log's last row when the round was finalised: its own `round.finalised` entry */
  auditHead: AuditHead;
  signedAt: string;
  /** set on a round finalised before finalisations were signed, signed later after a clean recompute */
  adopted?: true;
};

export type CheckpointRecord = { kind: "cityeval.audit-checkpoint"; auditHead: AuditHead; signedAt: string };

export type SignedRecord<R = FinalisationRecord | CheckpointRecord> = {
  record: R;
  /** base64 Ed25519 signature over the record's canonical JSON */
  signature: string;
  /** the signer's public key, SPKI PEM */
  publicKey: string;
};

export function canonicalBytes(record: unknown): Buffer {
  return Buffer.from(canonicalize(record) ?? "", "utf8");
}

export function newSigningKeyPem(): string {
  return generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
}

export function publicKeyPemOf(privateKeyPem: string): string {
  return createPublicKey(createPrivateKey(privateKeyPem)).export({ type: "spki", format: "pem" }).toString();
}

/** SHA-256 of the public key's DER, in groups of four hex digits: what a third party pins. */
export function fingerprint(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: "spki", format: "der" });
  return (createHash("sha256").update(der).digest("hex").match(/.{4}/g) ?? []).join(" ");
}

export function signRecord<R>(record: R, privateKeyPem: string): SignedRecord<R> {
  const key = createPrivateKey(privateKeyPem);
  return {
    record,
    signature: sign(null, canonicalBytes(record), key).toString("base64"),
    publicKey: publicKeyPemOf(privateKeyPem),
  };
}

/** Whether the signature holds for the record under `publicKeyPem` (by default the one the record carries). */
export function verifyRecord(signed: SignedRecord<unknown>, publicKeyPem = signed.publicKey): boolean {
  let key: KeyObject;
  try {
    key = createPublicKey(publicKeyPem);
  } catch {
    return false;
  }
  if (key.asymmetricKeyType !== "ed25519") return false;
  try {
    return verify(null, canonicalBytes(signed.record), key, Buffer.from(signed.signature, "base64"));
  } catch {
    return false;
  }
}
