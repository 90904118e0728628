import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { LocalEvidenceStore, type StoredFile } from "@/lib/storage/local-store";
import { type Db } from "./client";
import {
  addEvidence,
  attachLibraryFile,
  deleteEvidence,
  isStorageKeyReferenced,
  listEvidence,
  referencedStorageKeys,
} from "./evidence";
import { addToLibrary, getLibraryFile, listLibrary, removeFromLibrary, sameFilesElsewhere } from "./evidence-library";
import { approveSubmission } from "./reviews";
import { auditLog, evidence, libraryFiles, submissions } from "./schema";
import { getQuestionnaire } from "./submissions";
import { createModuleBRound, createTestDb } from "./test-db";

/** A file as the store would have kept it (by content): the same content, the same SHA-256 and key. */
const stored = (content: string): StoredFile & { originalName: string } => {
  const sha256 = content.padEnd(64, "0");
  return {
    sha256,
    size: content.length,
    mime: "application/pdf",
    storageKey: `${sha256.slice(0, 2)}/${sha256}`,
    originalName: `${content}.pdf`,
  };
};
const file = (content: string) => {
  const { originalName, ...rest } = stored(content);
  return { kind: "file" as const, originalName, ...rest };
};

let db: Db;
let round: Awaited<ReturnType<typeof createModuleBRound>>;

beforeEach(async () => {
  db = createTestDb();
  round = await createModuleBRound(db, "library");
});

describe("a city's evidence library", () => {
  it("keeps a file once however often it is uploaded, and attaches it to any number of items", () => {
    const { staff, itemId, roundId } = round;
    const bulletin = stored("bulletin");
    // The same statistical bulletin uploaded to two items, then to the library itself: one library file.
    expect(addEvidence(db, staff, itemId("B1.1"), file("bulletin")).ok).toBe(true);
    expect(addEvidence(db, staff, itemId("B1.2"), file("bulletin")).ok).toBe(true);
    const again = addToLibrary(db, staff, roundId, bulletin);
    expect(again).toMatchObject({ ok: true, added: false });
    const library = listLibrary(db, roundId, staff.cityId!);
    expect(library).toHaveLength(1);
    expect(library[0]!.attachedTo.map((a) => a.itemCode)).toEqual(["B1.1", "B1.2"]);

    // Attached to three more items at once, one of them in another module.
    const fileId = library[0]!.id;
    const attached = attachLibraryFile(db, staff, fileId, [itemId("B1.3"), itemId("B2.1"), itemId("G1.1")]);
    expect(attached.ok).toBe(true);
    expect(listLibrary(db, roundId, staff.cityId!)[0]!.attachedTo.map((a) => a.itemCode)).toEqual([
      "B1.1",
      "B1.2",
      "B1.3",
      "B2.1",
      "G1.1",
    ]);
    // Each attachment is an ordinary evidence row of its item, audited as coming from the library.
    const b = getQuestionnaire(db, roundId, staff.cityId!, "B")!.submission!.id;
    expect(listEvidence(db, b).filter((e) => e.sha256 === bulletin.sha256)).toHaveLength(4);
    const audit = db.select().from(auditLog).where(eq(auditLog.action, "evidence.added")).all();
    expect(audit.filter((a) => (a.after as { fromLibrary?: boolean }).fromLibrary)).toHaveLength(3);

    // Removed from one item, it stays on the others and in the library.
    const onB12 = listEvidence(db, b).find((e) => e.itemId === itemId("B1.2"))!;
    expect(deleteEvidence(db, staff, onB12.id).ok).toBe(true);
    expect(listLibrary(db, roundId, staff.cityId!)[0]!.attachedTo.map((a) => a.itemCode)).toEqual([
      "B1.1",
      "B1.3",
      "B2.1",
      "G1.1",
    ]);
    expect(referencedStorageKeys(db).has(bulletin.storageKey)).toBe(true);
  });

  it("refuses the same file twice on one item, and attaches to none when any item cannot take it", () => {
    const { staff, itemId, roundId, submitB } = round;
    expect(addEvidence(db, staff, itemId("G1.1"), file("report")).ok).toBe(true);
    expect(addEvidence(db, staff, itemId("G1.1"), file("report"))).toEqual({ ok: false, reason: "alreadyAttached" });
    const fileId = listLibrary(db, roundId, staff.cityId!)[0]!.id;
    submitB(); // module B is submitted: its items take no new evidence
    const before = db.select().from(evidence).all().length;
    const draftsBefore = db.select().from(submissions).all().length;
    const refused = attachLibraryFile(db, staff, fileId, [itemId("P1.1"), itemId("B1.1"), itemId("G1.1")]);
    expect(refused).toEqual({
      ok: false,
      reason: "itemsRefused",
      refused: [
        { itemId: itemId("B1.1"), reason: "wrongState" },
        { itemId: itemId("G1.1"), reason: "alreadyAttached" },
      ],
    });
    // Nothing written: no evidence row, and no draft opened for module P by the item that could have taken it.
    expect(db.select().from(evidence).all()).toHaveLength(before);
    expect(db.select().from(submissions).all()).toHaveLength(draftsBefore);
    expect(attachLibraryFile(db, staff, fileId, [])).toEqual({ ok: false, reason: "invalidInput" });
  });

  it("keeps a file uploaded to the library alone: it counts as referenced, so a settled upload is not removed", async () => {
    const { staff, other, admin, roundId } = round;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cityeval-library-"));
    try {
      const store = new LocalEvidenceStore(dir);
      const put = await store.put(Readable.from([Buffer.from("%PDF-1.4\nplan\n%%EOF\n")]), "plan.pdf", 1 << 20);
      const added = addToLibrary(db, staff, roundId, { originalName: "规划.pdf", ...put });
      expect(added).toMatchObject({ ok: true, added: true });
      await store.settle(put.storageKey, () => isStorageKeyReferenced(db, put.storageKey));
      expect(fs.existsSync(path.join(dir, put.storageKey))).toBe(true);
      expect(referencedStorageKeys(db).has(put.storageKey)).toBe(true);
      // Downloads: its staff and admins while it is in the library; once taken out, admins only.
      const fileId = added.ok ? added.file.id : 0;
      expect([staff, other, admin].map((u) => getLibraryFile(db, u, fileId)?.id ?? null)).toEqual([
        fileId,
        null,
        fileId,
      ]);
      expect(removeFromLibrary(db, staff, fileId)).toEqual({ ok: true });
      expect([staff, admin].map((u) => getLibraryFile(db, u, fileId)?.id ?? null)).toEqual([null, fileId]);
      // Taken out of the library, the file is still stored (the audit trail refers to it).
      expect(referencedStorageKeys(db).has(put.storageKey)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is the city's own: another city's staff, reviewers and admins neither attach nor remove its files", () => {
    const { staff, other, initial, admin, itemId, roundId } = round;
    expect(addToLibrary(db, staff, roundId, stored("plan")).ok).toBe(true);
    const fileId = listLibrary(db, roundId, staff.cityId!)[0]!.id;
    expect(attachLibraryFile(db, other, fileId, [itemId("B1.1")])).toEqual({ ok: false, reason: "notFound" });
    expect(removeFromLibrary(db, other, fileId)).toEqual({ ok: false, reason: "notFound" });
    for (const user of [initial, admin]) {
      expect(attachLibraryFile(db, user, fileId, [itemId("B1.1")]).ok).toBe(false);
      expect(removeFromLibrary(db, user, fileId).ok).toBe(false);
      expect(addToLibrary(db, user, roundId, stored("x")).ok).toBe(false);
    }
    // The other city's library is its own, and empty.
    expect(listLibrary(db, roundId, other.cityId!)).toEqual([]);
  });

  it("lets a file go only when no item carries it, and takes it back when it is uploaded again", () => {
    const { staff, itemId, roundId } = round;
    expect(addEvidence(db, staff, itemId("B1.1"), file("chart")).ok).toBe(true);
    const fileId = listLibrary(db, roundId, staff.cityId!)[0]!.id;
    expect(removeFromLibrary(db, staff, fileId)).toEqual({ ok: false, reason: "stillAttached", count: 1 });
    const b = getQuestionnaire(db, roundId, staff.cityId!, "B")!.submission!.id;
    expect(deleteEvidence(db, staff, listEvidence(db, b)[0]!.id).ok).toBe(true);
    expect(removeFromLibrary(db, staff, fileId)).toEqual({ ok: true });
    expect(listLibrary(db, roundId, staff.cityId!)).toEqual([]);
    expect(addToLibrary(db, staff, roundId, stored("chart"))).toMatchObject({ ok: true, added: true });
    expect(listLibrary(db, roundId, staff.cityId!).map((f) => f.id)).toEqual([fileId]);
  });

  it("tells reviewers which files another city submitted too, and only once that city submitted them", async () => {
    const { staff, other, itemId, roundId, submitB } = round;
    expect(addEvidence(db, staff, itemId("B1.1"), file("shared")).ok).toBe(true);
    expect(addEvidence(db, staff, itemId("B1.2"), file("own")).ok).toBe(true);
    submitB();
    const sha = (content: string) => stored(content).sha256;
    // Ningbo has the same file in a draft: not submitted, so not yet a flag.
    expect(addEvidence(db, other, itemId("B1.1"), file("shared")).ok).toBe(true);
    expect(sameFilesElsewhere(db, roundId, staff.cityId!, [sha("shared"), sha("own")]).size).toBe(0);
    // Once Ningbo submits (with every answer and a link for each item), the flag names Ningbo.
    const { saveAnswer } = await import("./answers");
    const { MODULE_B_VALUES } = await import("./test-db");
    const { submitModule } = await import("./submissions");
    for (const [code, value] of Object.entries(MODULE_B_VALUES)) {
      saveAnswer(db, other, { itemId: itemId(code), baseRevision: 0, value, notApplicableReason: null });
      addEvidence(db, other, itemId(code), { kind: "url", url: `https://nb.example.gov.cn/${code}` });
    }
    expect(submitModule(db, other, roundId, "B").ok).toBe(true);
    const flags = sameFilesElsewhere(db, roundId, staff.cityId!, [sha("shared"), sha("own")]);
    expect([...flags.keys()]).toEqual([sha("shared")]);
    expect(flags.get(sha("shared"))!.map((c) => c.nameZh)).toEqual(["宁波"]);
    // And the other way round.
    expect([...sameFilesElsewhere(db, roundId, other.cityId!, [sha("shared")]).keys()]).toEqual([sha("shared")]);
  });

  it("is locked once the round is finalised", () => {
    const { staff, initial, final, itemId, roundId, submitB } = round;
    expect(addEvidence(db, staff, itemId("B1.1"), file("final")).ok).toBe(true);
    const subId = submitB();
    expect(approveSubmission(db, initial, subId, 1).ok).toBe(true);
    expect(approveSubmission(db, final, subId, 1).ok).toBe(true);
    round.closeAndFinalise();
    const fileId = listLibrary(db, roundId, staff.cityId!)[0]!.id;
    expect(addToLibrary(db, staff, roundId, stored("late"))).toEqual({ ok: false, reason: "roundNotOpen" });
    expect(removeFromLibrary(db, staff, fileId)).toEqual({ ok: false, reason: "roundNotOpen" });
    expect(attachLibraryFile(db, staff, fileId, [itemId("G1.1")])).toMatchObject({ ok: false, reason: "itemsRefused" });
    expect(() => db.update(libraryFiles).set({ originalName: "x" }).where(eq(libraryFiles.id, fileId)).run()).toThrow(
      /finalised/,
    );
  });
});
