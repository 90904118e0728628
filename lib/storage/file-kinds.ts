/**
 * Evidence file types, recognised by their magic bytes (file-type), never by their name. The name's
 * extension only tells apart formats that share a container: OFD is a ZIP, DOC/XLS share the OLE container.
 */
export type DetectedType = { ext: string; mime: string } | undefined;

const BY_DETECTED_EXT: Record<string, string> = {
  pdf: "application/pdf",
  png: "image/png",
  jpg: "image/jpeg",
  webp: "image/webp",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  zip: "application/zip",
  cfb: "application/x-cfb",
};

export const ACCEPTED_EXTENSIONS = [
  ".pdf",
  ".png",
  ".jpg",
  ".jpeg",
  ".webp",
  ".docx",
  ".xlsx",
  ".doc",
  ".xls",
  ".ofd",
  ".zip",
];

function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot < 0 ? "" : name.slice(dot + 1).toLowerCase();
}

/** The MIME type to store and serve, or null when the content is not an accepted evidence type. */
export function acceptedMime(detected: DetectedType, originalName: string): string | null {
  if (!detected || !(detected.ext in BY_DETECTED_EXT)) return null;
  const ext = extensionOf(originalName);
  if (detected.ext === "zip" && ext === "ofd") return "application/ofd";
  if (detected.ext === "cfb") {
    if (ext === "doc") return "application/msword";
    if (ext === "xls") return "application/vnd.ms-excel";
    return null; // other OLE files (e.g. .msi) are not evidence
  }
  return BY_DETECTED_EXT[detected.ext]!;
}

/** The extension a download gets: the one of the type the content was recognised as, never the uploader's. */
const EXTENSION_BY_MIME: Record<string, string> = {
  "application/pdf": "pdf",
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/webp": "webp",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
  "application/zip": "zip",
  "application/ofd": "ofd",
  "application/msword": "doc",
  "application/vnd.ms-excel": "xls",
};

// Control characters (C0, C1) and invisible format characters, among them the bidirectional overrides
// (U+202A–U+202E, U+2066–U+2069) that make "invoice\u202Efdp.exe" display as "invoiceexe.pdf".
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
const PATH_SEPARATORS = /[/\\]/g;

/** A file name as people should see it: no invisible or control characters, no path, no surrounding blanks. */
export function cleanFileName(name: string): string {
  return name.normalize("NFC").replace(INVISIBLE, "").replace(PATH_SEPARATORS, "_").replace(/\s+/g, " ").trim();
}

/**
 * The name an evidence file is served under: the cleaned name with the extension of its detected type, so
 * that a PDF uploaded as "证明材料.bat" or "evidence.html" downloads as "证明材料.pdf" and "evidence.pdf".
 */
export function downloadName(originalName: string | null, mime: string): string {
  const ext = EXTENSION_BY_MIME[mime] ?? "bin";
  const cleaned = cleanFileName(originalName ?? "");
  const dot = cleaned.lastIndexOf(".");
  // No leading dots: a download must not become a hidden file.
  const stem = (dot >= 0 ? cleaned.slice(0, dot) : cleaned).replace(/^[.\s]+/, "").trim() || "evidence";
  return `${stem}.${ext}`;
}

/** Types a browser may show inline in the review screen; everything else is downloaded. */
export function isInlinePreviewable(mime: string): boolean {
  return mime === "application/pdf" || mime === "image/png" || mime === "image/jpeg" || mime === "image/webp";
}
