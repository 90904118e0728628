import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalEvidenceStore, StoreError } from "./local-store";

const PDF = Buffer.from("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n");
const PNG = Buffer.concat([Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"), Buffer.alloc(64, 1)]);
const EXE = Buffer.concat([Buffer.from("MZ"), Buffer.alloc(200, 0)]);

let root: string;
let store: LocalEvidenceStore;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "evidence-"));
  store = new LocalEvidenceStore(root);
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

/** Every file under the store's root, temporary ones included. */
function filesOnDisk(): string[] {
  return (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) =>
    fs.statSync(path.join(root, f)).isFile(),
  );
}

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof StoreError) return error.reason;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("LocalEvidenceStore", () => {
  it("stores a PDF under its SHA-256 with size and type from its content", async () => {
    const stored = await store.put(Readable.from([PDF]), "报告.pdf", 1024);
    const sha256 = createHash("sha256").update(PDF).digest("hex");
    expect(stored).toEqual({
      sha256,
      size: PDF.length,
      mime: "application/pdf",
      storageKey: `${sha256.slice(0, 2)}/${sha256}`,
    });
    expect(fs.readFileSync(store.pathOf(stored.storageKey))).toEqual(PDF);
    expect(filesOnDisk()).toEqual([stored.storageKey]);
    // Owner-only: the file and the directory it lives in.
    expect(fs.statSync(store.pathOf(stored.storageKey)).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(store.pathOf(stored.storageKey))).mode & 0o777).toBe(0o700);
  });

  it("recognises a PNG named .pdf by its content", async () => {
    expect((await store.put(Readable.from([PNG]), "scan.pdf", 1024)).mime).toBe("image/png");
  });

  it("refuses a renamed .exe and leaves nothing behind", async () => {
    expect(await refusal(store.put(Readable.from([EXE]), "report.pdf", 1024))).toBe("fileTypeNotAllowed");
    expect(filesOnDisk()).toEqual([]);
  });

  it("refuses a file over the limit while streaming, and leaves nothing behind", async () => {
    const chunks = Array.from({ length: 10 }, () => Buffer.concat([PDF, Buffer.alloc(1000)]));
    expect(await refusal(store.put(Readable.from(chunks), "big.pdf", 5000))).toBe("fileTooLarge");
    expect(filesOnDisk()).toEqual([]);
  });

  it("refuses an empty file", async () => {
    expect(await refusal(store.put(Readable.from([]), "empty.pdf", 5000))).toBe("fileEmpty");
    expect(filesOnDisk()).toEqual([]);
  });

  it("stores identical content once", async () => {
    const a = await store.put(Readable.from([PDF]), "a.pdf", 1024);
    const b = await store.put(Readable.from([PDF]), "b.pdf", 1024);
    expect(a.storageKey).toBe(b.storageKey);
    expect(filesOnDisk()).toHaveLength(1);
  });

  it("removes a refused upload's file only when no row refers to it and no other upload of it may still commit", async () => {
    const first = await store.put(Readable.from([PDF]), "a.pdf", 1024);
    const second = await store.put(Readable.from([PDF]), "b.pdf", 1024);
    await store.settle(first.storageKey, () => false); // refused while the second upload is still committing
    expect(filesOnDisk()).toHaveLength(1);
    await store.settle(second.storageKey, () => true); // committed: its row refers to the file
    expect(filesOnDisk()).toHaveLength(1);
    const third = await store.put(Readable.from([PDF]), "c.pdf", 1024);
    await store.settle(third.storageKey, () => false); // refused, and no row refers to it any more
    expect(filesOnDisk()).toEqual([]);
  });

  it("a refused upload waits while another upload of the same content moves its file in, and then leaves it", async () => {
    let hold: Promise<void> | null = null;
    let release!: () => void;
    let syncing!: () => void;
    const inSync = new Promise<void>((resolve) => (syncing = resolve));
    const slow = new LocalEvidenceStore(root, async (target) => {
      if (hold && !path.relative(root, target).startsWith("tmp")) {
        syncing();
        await hold; // the second upload's file is in place, its directory not yet synced
      }
    });
    const first = await slow.put(Readable.from([PDF]), "a.pdf", 1024);
    hold = new Promise<void>((resolve) => (release = resolve));
    const second = slow.put(Readable.from([PDF]), "b.pdf", 1024);
    await inSync;
    const refused = slow.settle(first.storageKey, () => false); // the first upload is refused meanwhile
    release();
    await refused;
    expect(filesOnDisk()).toHaveLength(1); // kept for the second upload, which may still commit its row
    await slow.settle((await second).storageKey, () => false); // refused too: now nothing needs it
    expect(filesOnDisk()).toEqual([]);
  });

  it("makes the file and its directory durable before the upload is acknowledged", async () => {
    const synced: string[] = [];
    const watched = new LocalEvidenceStore(root, async (target) => void synced.push(path.relative(root, target)));
    const stored = await watched.put(Readable.from([PDF]), "a.pdf", 1024);
    expect(synced).toEqual([expect.stringMatching(/^tmp\/[0-9a-f-]{36}$/), stored.storageKey.slice(0, 2)]);
  });

  it("refuses storage keys that could escape its root", () => {
    expect(() => store.pathOf("../../etc/passwd")).toThrow();
  });
});

describe("debris of interrupted uploads", () => {
  it("sweeps temporary files older than the threshold, never a recent one, and lists stored files", async () => {
    const stored = await store.put(Readable.from(PDF), "a.pdf", 1024);
    fs.mkdirSync(path.join(root, "tmp"), { recursive: true });
    const stale = path.join(root, "tmp", "killed-upload");
    const fresh = path.join(root, "tmp", "in-flight");
    fs.writeFileSync(stale, Buffer.alloc(1000));
    fs.writeFileSync(fresh, Buffer.alloc(10));
    const hourAgo = (Date.now() - 3_600_000) / 1000;
    fs.utimesSync(stale, hourAgo, hourAgo);
    expect(await store.sweepTemp(30 * 60_000)).toEqual({ files: 1, bytes: 1000 });
    expect(fs.existsSync(stale)).toBe(false);
    expect(fs.existsSync(fresh)).toBe(true);
    const ahead = (Date.now() + 3_600_000) / 1000; // written before a clock was set back
    fs.utimesSync(fresh, ahead, ahead);
    expect(await store.sweepTemp(0)).toEqual({ files: 1, bytes: 10 }); // at start: every one
    expect(fs.existsSync(fresh)).toBe(false);
    expect((await store.listStored()).map((f) => f.storageKey)).toEqual([stored.storageKey]);
  });
});
