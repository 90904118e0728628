import { describe, expect, it } from "vitest";
import { fingerprint, newSigningKeyPem, publicKeyPemOf, signRecord, verifyRecord } from "./signature";

const record = {
  kind: "cityeval.audit-checkpoint" as const,
  auditHead: { id: 7, hash: "ab".repeat(32) },
  signedAt: "2026-11-28T00:00:00.000Z",
};

describe("signed records", () => {
  it("verify under the signer's key, whatever the order of the record's keys", () => {
    const key = newSigningKeyPem();
    const signed = signRecord(record, key);
    expect(verifyRecord(signed)).toBe(true);
    expect(
      verifyRecord({
        ...signed,
        record: { signedAt: record.signedAt, auditHead: record.auditHead, kind: record.kind },
      }),
    ).toBe(true);
    expect(fingerprint(signed.publicKey)).toMatch(/^([0-9a-f]{4} ){15}[0-9a-f]{4}$/);
  });

  it("fail for a changed record, a swapped key, a pinned other key, or garbage", () => {
    const key = newSigningKeyPem();
    const other = newSigningKeyPem();
    const signed = signRecord(record, key);
    expect(verifyRecord({ ...signed, record: { ...record, auditHead: { ...record.auditHead, id: 8 } } })).toBe(false);
    // A forger who re-signs with their own key and ships their public key passes only without pinning.
    const forged = signRecord({ ...record, auditHead: { id: 9, hash: "cd".repeat(32) } }, other);
    expect(verifyRecord(forged)).toBe(true);
    expect(verifyRecord(forged, publicKeyPemOf(key))).toBe(false);
    expect(verifyRecord({ ...signed, signature: "AAAA" })).toBe(false);
    expect(verifyRecord(signed, "not a key")).toBe(false);
  });
});
