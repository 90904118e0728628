/**
 * Receiving one uploaded evidence file as the raw request body (its name in X-File-Name, URI-encoded): streamed to
 * the store while hashed, nothing buffered whole. The route then writes its row and settles the stored file.
 */
import { Readable } from "node:stream";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import type { NextRequest } from "next/server";
import { ActionError, refusalStatus } from "@/lib/action";
import { evidenceMaxBytes } from "@/lib/config/limits";
import { cleanFileName } from "./file-kinds";
import { evidenceStore } from "./index";
import { type StoredFile, StoreError } from "./local-store";

/** The upload's file name, cleaned; a missing, unreadable or overlong name (or no body) is refused with a 400. */
export function uploadName(request: NextRequest): string {
  let name = "";
  try {
    name = cleanFileName(decodeURIComponent(request.headers.get("x-file-name") ?? ""));
  } catch {
    name = "";
  }
  if (!name || name.length > 255 || !request.body) throw new ActionError("invalidInput", 400);
  return name;
}

/** Refuses a body announced as larger than the limit before anything is read. */
export function refuseOversized(request: NextRequest): void {
  const maxBytes = evidenceMaxBytes();
  if (Number(request.headers.get("content-length") ?? 0) > maxBytes)
    throw new ActionError("fileTooLarge", 413, { max: Math.round(maxBytes / 1024 / 1024) });
}

/** Streams the body into the store; a file too large, empty or of a type not allowed is refused. */
export async function storeUpload(request: NextRequest, name: string): Promise<StoredFile> {
  const maxBytes = evidenceMaxBytes();
  try {
    return await evidenceStore().put(Readable.fromWeb(request.body as NodeWebStream<Uint8Array>), name, maxBytes);
  } catch (error) {
    if (error instanceof StoreError)
      throw new ActionError(error.reason, refusalStatus(error.reason), { max: Math.round(maxBytes / 1024 / 1024) });
    throw error;
  }
}
