import fs from "node:fs";
import { Readable } from "node:stream";
import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { auditRowHash, GENESIS_HASH } from "@/lib/audit/hash";
import { signingKeyPem } from "@/lib/config/signing-key";
import { newSigningKeyPem, publicKeyPemOf, signRecord } from "@/lib/signing/signature";
import { evidenceStore } from "@/lib/storage";
import { appendAudit } from "./audit";
import type { Db } from "./client";
import { addEvidence } from "./evidence";
import { finaliseRound, reopenRound } from "./finalise";
import { computeRoundResults, replaceResults } from "./results";
import { approveSubmission } from "./reviews";
import { answers, auditLog, items, resultDetails, results, rounds, submissions } from "./schema";
import { ensureDailyCheckpoint, listFinalisations, signLegacyFinalisations } from "./signatures";
import { createModuleBRound, createTestDb, setRoundStatus } from "./test-db";
import { verifyAudit, verifyRound } from "./verify";

const PDF = Buffer.from("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n");

let db: Db;
let round: Awaited<ReturnType<typeof createModuleBRound>>;
let evidenceKey: string;

/** Hangzhou's module B (with a PDF) verified, everything else marked not submitted, the round finalised. */
beforeEach(async () => {
  db = createTestDb();
  round = await createModuleBRound(db, "verify");
  const { staff, initial, final, itemId, submitB } = round;
  const stored = await evidenceStore().put(Readable.from(PDF), "统计公报.pdf", 1024 * 1024);
  evidenceKey = stored.storageKey;
  expect(addEvidence(db, staff, itemId("B1.1"), { kind: "file", originalName: "统计公报.pdf", ...stored }).ok).toBe(
    true,
  );
  const id = submitB();
  expect(approveSubmission(db, initial, id, 1).ok).toBe(true);
  expect(approveSubmission(db, final, id, 1).ok).toBe(true);
  round.closeAndFinalise();
});

const failing = (roundId: number, pinned = publicKeyPemOf(signingKeyPem())) =>
  verifyRound(db, roundId, pinned)
    .checks.filter((c) => c.differences.length)
    .map((c) => c.name);

/** What somebody with write access to the database file can do: drop the triggers that would stop them. */
function dropTriggers() {
  for (const { name } of db.$client.prepare("select name from sqlite_master where type = 'trigger'").all() as {
    name: string;
  }[])
    db.$client.exec(`drop trigger "${name}"`);
}

describe("verifyRound", () => {
  it("holds for an untouched finalised round under the pinned instance key, and fails with no key to check against", () => {
    expect(
      verifyRound(db, round.roundId)
        .checks.filter((c) => c.differences.length)
        .map((c) => c.name),
    ).toEqual(["signature"]);
    expect(verifyRound(db, round.roundId, publicKeyPemOf(signingKeyPem()))).toMatchObject({ ok: true });
    expect(listFinalisations(db, round.roundId)).toHaveLength(1);
    expect(failing(round.roundId, publicKeyPemOf(newSigningKeyPem()))).toEqual(["signature"]);
  });

  it("catches a consistent forgery: status flipped, answers changed, results and digest recomputed with the app's own engine", () => {
    const { roundId, staff, itemId } = round;
    // Without dropping the triggers the database refuses the first step.
    expect(() => db.update(rounds).set({ status: "open" }).where(eq(rounds.id, roundId)).run()).toThrow(
      /audited transition/,
    );
    dropTriggers();
    db.update(rounds).set({ status: "open" }).where(eq(rounds.id, roundId)).run();
    const sub = db
      .select()
      .from(submissions)
      .where(
        and(
          eq(submissions.roundId, roundId),
          eq(submissions.cityId, staff.cityId!),
          eq(submissions.status, "verified"),
        ),
      )
      .get()!;
    db.update(answers)
      .set({ value: 100 })
      .where(and(eq(answers.submissionId, sub.id), eq(answers.itemId, itemId("B1.2"))))
      .run();
    const { cities, digest } = computeRoundResults(db, roundId);
    replaceResults(db, roundId, cities);
    db.update(rounds).set({ status: "finalised", digest }).where(eq(rounds.id, roundId)).run();

    // The signed digest (and the round.finalised entry) no longer match the stored and recomputed one, and the
    // frozen snapshot no longer matches the answers.
    expect(failing(roundId)).toEqual([
      "digest",
      "per-city digests",
      "participants and published ranking",
      "submission snapshots",
    ]);
    const snapshots = verifyRound(db, roundId, publicKeyPemOf(signingKeyPem())).checks.find(
      (c) => c.name === "submission snapshots",
    )!;
    expect(snapshots.differences[0]).toMatch(/answers differ from the frozen snapshot \(B1\.2\)/);
  });

  it("catches a forger's own signature unless the verifier has no pinned key", () => {
    const { roundId } = round;
    dropTriggers();
    const forgedKey = newSigningKeyPem();
    const [latest] = listFinalisations(db, roundId);
    const forged = signRecord({ ...latest!.signed.record, digest: "f".repeat(64) }, forgedKey);
    db.$client
      .prepare(
        "insert into signatures (kind, round_id, record, signature, public_key) values ('finalisation', ?, ?, ?, ?)",
      )
      .run(roundId, JSON.stringify(forged.record), forged.signature, forged.publicKey);
    expect(failing(roundId)).toContain("signature");
  });

  it("catches a rewritten audit chain by the signed head, even with every hash recomputed", () => {
    dropTriggers();
    const rows = db.select().from(auditLog).orderBy(auditLog.id).all();
    let prev = GENESIS_HASH;
    for (const row of rows) {
      const after = row.action === "round.created" ? { ...(row.after as object), name: "rewritten" } : row.after;
      const hash = auditRowHash(prev, {
        at: row.at.getTime(),
        actorId: row.actorId,
        action: row.action,
        entityType: row.entityType,
        entityId: row.entityId,
        roundId: row.roundId,
        cityId: row.cityId,
        before: row.before,
        after,
      });
      db.update(auditLog).set({ after, prevHash: prev, hash }).where(eq(auditLog.id, row.id)).run();
      prev = hash;
    }
    expect(
      verifyAudit(db, publicKeyPemOf(signingKeyPem())).checks.find((c) => c.name === "audit chain")!.differences,
    ).toEqual([]); // consistent in itself …
    expect(failing(round.roundId)).toEqual(["audit chain up to the signed head"]); // … but not with what was signed
    expect(verifyAudit(db, publicKeyPemOf(signingKeyPem())).ok).toBe(false);
  });

  it("catches an earlier signed finalisation replayed after a reopening, with the status flipped by appended audit rows", () => {
    const { roundId, admin } = round;
    const [first] = listFinalisations(db, roundId);
    expect(reopenRound(db, admin, roundId, "更正").ok).toBe(true);
    expect(finaliseRound(db, admin, roundId).ok).toBe(true);
    // The attacker needs no dropped trigger: audit rows carry no key, and inserting a signature row is allowed.
    setRoundStatus(db, roundId, "open");
    db.transaction((tx) => {
      appendAudit(tx, {
        actorId: null,
        action: "round.finalised",
        entityType: "round",
        entityId: roundId,
        roundId,
        after: { digest: first!.signed.record.digest },
      });
      tx.update(rounds)
        .set({ status: "finalised", digest: first!.signed.record.digest })
        .where(eq(rounds.id, roundId))
        .run();
    });
    db.$client
      .prepare(
        "insert into signatures (kind, round_id, record, signature, public_key) values ('finalisation', ?, ?, ?, ?)",
      )
      .run(roundId, JSON.stringify(first!.signed.record), first!.signed.signature, first!.signed.publicKey);
    expect(failing(roundId)).toContain("finalisation audit entry");
    expect(verifyAudit(db, publicKeyPemOf(signingKeyPem())).ok).toBe(true); // the chain itself is intact: only the round check can tell
  });

  it("catches a changed verified value or not-submitted flag of a stored result, not only points and ranks", () => {
    dropTriggers();
    const ofCity = and(eq(resultDetails.roundId, round.roundId), eq(resultDetails.cityId, round.staff.cityId!));
    const stored = db.select().from(resultDetails).where(ofCity).get()!;
    db.update(resultDetails)
      .set({
        details: stored.details.map((d) =>
          d[0] === "item" && d[1] === "B1.2" ? [d[0], d[1], d[2], d[3], 999, d[5], d[6]] : d,
        ),
      })
      .where(ofCity)
      .run();
    expect(failing(round.roundId)).toEqual([
      "results recomputed from answers, decisions in force and not-submitted marks",
    ]);
  });

  it("catches a changed evidence file", () => {
    fs.writeFileSync(evidenceStore().pathOf(evidenceKey), Buffer.concat([PDF, Buffer.from("% altered\n")]));
    expect(failing(round.roundId)).toEqual(["evidence files"]);
  });

  it("catches a changed framework point", () => {
    dropTriggers();
    db.update(items)
      .set({ maxPoints: 150 })
      .where(eq(items.id, round.itemId("B1.1")))
      .run();
    expect(failing(round.roundId)).toEqual(expect.arrayContaining(["framework"]));
  });

  it("signs a new record when a reopened round is finalised again, and keeps the old one", () => {
    const { roundId, admin } = round;
    expect(reopenRound(db, admin, roundId, "更正").ok).toBe(true);
    expect(finaliseRound(db, admin, roundId).ok).toBe(true);
    expect(listFinalisations(db, roundId)).toHaveLength(2);
    expect(verifyRound(db, roundId, publicKeyPemOf(signingKeyPem())).ok).toBe(true);
  });

  it("refuses a bare status change and framework edits of an open round in the database itself", () => {
    const { roundId } = round;
    expect(() =>
      db
        .update(rounds)
        .set({ digest: "0".repeat(64) })
        .where(eq(rounds.id, roundId))
        .run(),
    ).toThrow(/finalisation fields/);
    setRoundStatus(db, roundId, "open"); // as the app would: after its audited transition
    expect(() =>
      db
        .update(items)
        .set({ maxPoints: 1 })
        .where(eq(items.id, round.itemId("B1.1")))
        .run(),
    ).toThrow(/fixed/);
    expect(() => db.$client.exec("delete from signatures")).toThrow(/append-only/);
  });
});

describe("rounds finalised before signing existed", () => {
  it("are signed after a clean recompute, with their round.finalised entry as head; a tampered one is not", () => {
    const { roundId } = round;
    dropTriggers();
    db.$client.exec("delete from signatures"); // as if finalised by an earlier version
    expect(signLegacyFinalisations(db)).toEqual({ signed: [roundId], refused: [] });
    const [adopted] = listFinalisations(db, roundId);
    expect(adopted!.signed.record).toMatchObject({ adopted: true, roundId });
    expect(failing(roundId)).toEqual([]);
    expect(signLegacyFinalisations(db)).toEqual({ signed: [], refused: [] }); // once

    db.$client.exec("delete from signatures");
    db.update(results)
      .set({ points: 1 })
      .where(and(eq(results.roundId, roundId), eq(results.level, "total")))
      .run();
    expect(signLegacyFinalisations(db)).toEqual({ signed: [], refused: [roundId] });
  });
});

describe("verifyAudit", () => {
  it("reports the whole chain and every signed head; a daily checkpoint signs the head", () => {
    const before = verifyAudit(db, publicKeyPemOf(signingKeyPem()));
    expect(before).toMatchObject({ ok: true });
    ensureDailyCheckpoint(db, new Date(Date.now() + 25 * 3_600_000));
    ensureDailyCheckpoint(db, new Date(Date.now() + 26 * 3_600_000)); // one a day
    expect(db.$client.prepare("select count(*) as n from signatures where kind = 'checkpoint'").get()).toEqual({
      n: 1,
    });
    expect(verifyAudit(db, publicKeyPemOf(signingKeyPem())).ok).toBe(true);
  });
});
