import { Readable } from "node:stream";
import contentDisposition from "content-disposition";
import { getDb } from "@/db/client";
import { getEvidenceForDownload } from "@/db/evidence";
import { ActionError, defineRoute } from "@/lib/action";
import { evidenceStore } from "@/lib/storage";
import { downloadName, isInlinePreviewable } from "@/lib/storage/file-kinds";

/**
 * Whatever a file holds, it runs nothing and loads nothing, and only the app's own review screen may frame it.
 * Downloads and image previews are sandboxed as well; an inline PDF cannot be, because Chromium's PDF viewer
 * does not run in a sandboxed document — it is served as application/pdf with nosniff, so it is never read
 * as HTML, and the policy still forbids every script and request of the document itself.
 */
const EVIDENCE_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'";
const INLINE_PDF_CSP = "default-src 'none'; frame-ancestors 'self'";

/** Download (or inline preview with ?inline=1) of an evidence file; 404 for anyone who may not see it. */
export const GET = defineRoute<{ id: string }, { roles: ["city_staff", "reviewer", "admin"] }>(
  { roles: ["city_staff", "reviewer", "admin"] },
  async (request, { user, params }) => {
    const id = /^\d+$/.test(params.id) ? Number(params.id) : 0;
    const row = id ? getEvidenceForDownload(getDb(), user, id) : null;
    if (!row || !row.storageKey || !row.mime) throw new ActionError("notFound", 404);
    const inline = request.nextUrl.searchParams.get("inline") === "1" && isInlinePreviewable(row.mime);
    const body = Readable.toWeb(evidenceStore().open(row.storageKey)) as ReadableStream<Uint8Array>;
    return new Response(body, {
      headers: {
        "Content-Type": row.mime,
        "Content-Length": String(row.size ?? ""),
        // RFC 5987/6266: Chinese names survive via filename*=UTF-8''…; the extension is the detected type's.
        "Content-Disposition": contentDisposition(downloadName(row.originalName, row.mime), {
          type: inline ? "inline" : "attachment",
        }),
        "Content-Security-Policy": inline && row.mime === "application/pdf" ? INLINE_PDF_CSP : EVIDENCE_CSP,
        "X-Frame-Options": "SAMEORIGIN",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
        ETag: `"${row.sha256}"`,
      },
    });
  },
);
