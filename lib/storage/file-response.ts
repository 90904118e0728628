/** The HTTP response that serves a stored evidence file: downloaded, or previewed inline, and never run. */
import { Readable } from "node:stream";
import contentDisposition from "content-disposition";
import { downloadName, isInlinePreviewable } from "./file-kinds";
import { evidenceStore } from "./index";

/**
 * Whatever a file holds, it runs nothing and loads nothing, and only the app's own review screen may frame it.
 * Downloads and image previews are sandboxed as well; an inline PDF cannot be, because Chromium's PDF viewer
 * does not run in a sandboxed document — it is served as application/pdf with nosniff, so it is never read
 * as HTML, and the policy still forbids every script and request of the document itself.
 */
const EVIDENCE_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'";
const INLINE_PDF_CSP = "default-src 'none'; frame-ancestors 'self'";

export type ServedFile = {
  storageKey: string;
  mime: string;
  size: number | null;
  sha256: string | null;
  originalName: string | null;
};

/** The file as a download, or inline (?inline=1) when its type can be previewed. */
export function fileResponse(file: ServedFile, inlineWanted: boolean): Response {
  const inline = inlineWanted && isInlinePreviewable(file.mime);
  const body = Readable.toWeb(evidenceStore().open(file.storageKey)) as ReadableStream<Uint8Array>;
  return new Response(body, {
    headers: {
      "Content-Type": file.mime,
      "Content-Length": String(file.size ?? ""),
      // RFC 5987/6266: Chinese names survive via filename*=UTF-8''…; the extension is the detected type's.
      "Content-Disposition": contentDisposition(downloadName(file.originalName, file.mime), {
        type: inline ? "inline" : "attachment",
      }),
      "Content-Security-Policy": inline && file.mime === "application/pdf" ? INLINE_PDF_CSP : EVIDENCE_CSP,
      "X-Frame-Options": "SAMEORIGIN",
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-store",
      ETag: `"${file.sha256}"`,
    },
  });
}
