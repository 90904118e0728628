import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { canEditItem } from "@/db/editing";
import { addEvidence, isStorageKeyReferenced } from "@/db/evidence";
import { ActionError, defineRoute, refuse } from "@/lib/action";
import { evidenceStore } from "@/lib/storage";
import { refuseOversized, storeUpload, uploadName } from "@/lib/storage/upload";

/**
 * Upload of one evidence file for an item, as the raw request body (name in X-File-Name, URI-encoded), streamed
 * to disk while hashed; it goes into the city's library too. A refused file leaves no row and no file.
 */
export const POST = defineRoute({ roles: ["city_staff", "department_staff"] }, async (request, { user }) => {
  const itemId = Number(request.nextUrl.searchParams.get("itemId"));
  const name = uploadName(request);
  if (!Number.isInteger(itemId) || itemId <= 0) throw new ActionError("invalidInput", 400);
  refuseOversized(request);
  const db = getDb();
  const allowed = canEditItem(db, user, itemId);
  if (!allowed.ok) refuse(allowed.reason);

  const stored = await storeUpload(request, name);
  let added;
  try {
    added = addEvidence(db, user, itemId, { kind: "file", originalName: name, ...stored });
  } finally {
    // Refused (the module changed state while the file streamed in) or failed: keep no file that no row refers to.
    await evidenceStore().settle(stored.storageKey, () => isStorageKeyReferenced(db, stored.storageKey));
  }
  if (!added.ok) refuse(added.reason);
  return NextResponse.json(
    {
      id: added.id,
      libraryFileId: added.libraryFileId,
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
