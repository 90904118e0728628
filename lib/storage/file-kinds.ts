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

export const ACCEPTED_EXTENSIONS = [".pdf", ".png", ".jpg", ".jpeg", ".webp", ".docx", ".xlsx", ".doc", ".xls", ".ofd", ".zip"];

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

/** Types a browser may show inline in the review screen; everything else is downloaded. */
export function isInlinePreviewable(mime: string): boolean {
  return mime === "application/pdf" || mime === "image/png" || mime === "image/jpeg" || mime === "image/webp";
}
