import { Readable } from "node:stream";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { canEditItem } from "@/db/editing";
import { addEvidence, isStorageKeyReferenced } from "@/db/evidence";
import { ActionError, defineRoute, refusalStatus, refuse } from "@/lib/action";
import { evidenceMaxBytes } from "@/lib/config/limits";
import { evidenceStore } from "@/lib/storage";
import { cleanFileName } from "@/lib/storage/file-kinds";
import { StoreError } from "@/lib/storage/local-store";

/**
 * Upload of one evidence file as the raw request body (name in X-File-Name, URI-encoded), streamed to disk
 * while hashed; nothing is buffered whole and a refused file leaves no row and no file.
 */
export const POST = defineRoute({ roles: ["city_staff"] }, async (request, { user }) => {
  const itemId = Number(request.nextUrl.searchParams.get("itemId"));
  let name = "";
  try {
    name = cleanFileName(decodeURIComponent(request.headers.get("x-file-name") ?? ""));
  } catch {
    name = "";
  }
  if (!Number.isInteger(itemId) || itemId <= 0 || !name || name.length > 255 || !request.body) {
    throw new ActionError("invalidInput", 400);
  }
  const maxBytes = evidenceMaxBytes();
  const maxMb = Math.round(maxBytes / 1024 / 1024);
  if (Number(request.headers.get("content-length") ?? 0) > maxBytes)
    throw new ActionError("fileTooLarge", 413, { max: maxMb });
  const db = getDb();
  const allowed = canEditItem(db, user, itemId);
  if (!allowed.ok) refuse(allowed.reason);

  const store = evidenceStore();
  let stored;
  try {
    stored = await store.put(Readable.fromWeb(request.body as NodeWebStream<Uint8Array>), name, maxBytes);
  } catch (error) {
    if (error instanceof StoreError) throw new ActionError(error.reason, refusalStatus(error.reason), { max: maxMb });
    throw error;
  }
  let added;
  try {
    added = addEvidence(db, user, itemId, { kind: "file", originalName: name, ...stored });
  } finally {
    // Refused (the module changed state while the file streamed in) or failed: keep no file that no row refers to.
    await store.settle(stored.storageKey, () => isStorageKeyReferenced(db, stored.storageKey));
  }
  if (!added.ok) refuse(added.reason);
  return NextResponse.json(
    {
      id: added.id,
      itemId,
      kind: "file",
      originalName: name,
      size: stored.size,
      mime: stored.mime,
      sha256: stored.sha256,
      uploaderName: user.name,
      uploadedAt: new Date().toISOString(),
      url: null,
    },
    { status: 201 },
  );
});
