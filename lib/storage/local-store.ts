import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileTypeFromFile } from "file-type";
import { acceptedMime } from "./file-kinds";

export type StoredFile = { sha256: string; size: number; mime: string; storageKey: string };
export type StoreRefusal = "fileTooLarge" | "fileTypeNotAllowed" | "fileEmpty";

export class StoreError extends Error {
  constructor(public readonly reason: StoreRefusal) {
    super(reason);
  }
}

/**
 * Content-addressed evidence storage on local disk: files are streamed to a temporary file while being
 * hashed and measured (never held in memory), checked by their magic bytes, then moved to
 * `<root>/<sha256[0..2]>/<sha256>`. A refused upload leaves nothing behind.
 */
export class LocalEvidenceStore {
  /**
   * Stored files whose upload has not committed its row or been refused yet, with how many such uploads there
   * are: the server owns DATA_DIR (lib/config/server-lock.ts), so this process sees every upload.
   */
  private readonly uncommitted = new Map<string, number>();
  /** Per storage key, the tail of the operations on its file: moving a file in and removing one take turns. */
  private readonly keyTurns = new Map<string, Promise<void>>();

  /** `sync` makes a file or a directory durable (fsync); tests watch it. */
  constructor(
    private readonly root: string,
    private readonly sync: (target: string) => Promise<void> = syncPath,
  ) {}

  /** Runs `work` once every earlier operation on the same key's file has finished. */
  private async inTurn<T>(storageKey: string, work: () => Promise<T>): Promise<T> {
    const previous = this.keyTurns.get(storageKey) ?? Promise.resolve();
    let done!: () => void;
    const mine = previous.then(() => new Promise<void>((resolve) => (done = resolve)));
    this.keyTurns.set(storageKey, mine);
    await previous;
    try {
      return await work();
    } finally {
      done();
      if (this.keyTurns.get(storageKey) === mine) this.keyTurns.delete(storageKey);
    }
  }

  async put(body: Readable, originalName: string, maxBytes: number): Promise<StoredFile> {
    const tmpDir = path.join(this.root, "tmp");
    // Evidence is the cities' data: owner-only directories and files.
    await fs.promises.mkdir(tmpDir, { recursive: true, mode: 0o700 });
    const tmp = path.join(tmpDir, randomUUID());
    const hash = createHash("sha256");
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (size > maxBytes) return callback(new StoreError("fileTooLarge"));
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    try {
      await pipeline(body, meter, fs.createWriteStream(tmp, { flags: "wx", mode: 0o600 }));
      if (size === 0) throw new StoreError("fileEmpty");
      // On disk before its row is committed and the upload acknowledged: a power cut leaves no row without its file.
      await this.sync(tmp);
      const mime = acceptedMime(await fileTypeFromFile(tmp), originalName);
      if (!mime) throw new StoreError("fileTypeNotAllowed");
      const sha256 = hash.digest("hex");
      const storageKey = path.posix.join(sha256.slice(0, 2), sha256);
      const target = this.pathOf(storageKey);
      // Counted as uncommitted before the file is in place, in turn with any removal of the same key's file
      // (settle): a refused upload of the same content can never remove it from under this one.
      await this.inTurn(storageKey, async () => {
        this.uncommitted.set(storageKey, (this.uncommitted.get(storageKey) ?? 0) + 1);
        try {
          await fs.promises.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
          // Same content, same key: an identical file already stored is simply reused.
          await fs.promises.rename(tmp, target);
          await this.sync(path.dirname(target)); // the rename itself
        } catch (error) {
          this.release(storageKey);
          throw error;
        }
      });
      return { sha256, size, mime, storageKey };
    } finally {
      await fs.promises.rm(tmp, { force: true });
    }
  }

  /**
   * The upload that stored `storageKey` committed its row or was refused. A file no row refers to is removed,
   * unless another upload of the same content may still commit a row for it.
   */
  async settle(storageKey: string, isReferenced: () => boolean): Promise<void> {
    await this.inTurn(storageKey, async () => {
      if (this.release(storageKey) === 0 && !isReferenced())
        await fs.promises.rm(this.pathOf(storageKey), { force: true });
    });
  }

  /** One upload of the key fewer in flight; how many are left. */
  private release(storageKey: string): number {
    const left = (this.uncommitted.get(storageKey) ?? 1) - 1;
    if (left > 0) this.uncommitted.set(storageKey, left);
    else this.uncommitted.delete(storageKey);
    return left;
  }

  /**
   * Removes temporary files of uploads that can no longer finish (a crash or kill in mid-upload leaves them):
   * those last written more than `olderThanMs` ago (all of them for 0). Returns how many and how many bytes.
   */
  async sweepTemp(olderThanMs: number, now = Date.now()): Promise<{ files: number; bytes: number }> {
    const tmpDir = path.join(this.root, "tmp");
    const swept = { files: 0, bytes: 0 };
    const names = await fs.promises.readdir(tmpDir).catch(() => [] as string[]);
    for (const name of names) {
      const file = path.join(tmpDir, name);
      const stat = await fs.promises.stat(file).catch(() => null);
      // With no age given, every file goes, even one whose time is ahead of a clock set back after a power cut.
      if (!stat?.isFile() || (olderThanMs > 0 && now - stat.mtimeMs <= olderThanMs)) continue;
      await fs.promises.rm(file, { force: true });
      swept.files += 1;
      swept.bytes += stat.size;
    }
    return swept;
  }

  /** Every stored file: its key, size and last change (for the orphan report). */
  async listStored(): Promise<{ storageKey: string; size: number; mtimeMs: number }[]> {
    const out: { storageKey: string; size: number; mtimeMs: number }[] = [];
    for (const prefix of await fs.promises.readdir(this.root).catch(() => [] as string[])) {
      if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
      for (const name of await fs.promises.readdir(path.join(this.root, prefix))) {
        const storageKey = `${prefix}/${name}`;
        if (!/^[0-9a-f]{2}\/[0-9a-f]{64}$/.test(storageKey)) continue;
        const stat = await fs.promises.stat(path.join(this.root, storageKey));
        out.push({ storageKey, size: stat.size, mtimeMs: stat.mtimeMs });
      }
    }
    return out;
  }

  pathOf(storageKey: string): string {
    if (!/^[0-9a-f]{2}\/[0-9a-f]{64}$/.test(storageKey)) throw new Error("invalid storage key");
    return path.join(this.root, storageKey);
  }

  open(storageKey: string): fs.ReadStream {
    return fs.createReadStream(this.pathOf(storageKey));
  }
}

/** fsync of a file or a directory (for a rename), so that it survives a power cut. */
async function syncPath(target: string): Promise<void> {
  const handle = await fs.promises.open(target, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
