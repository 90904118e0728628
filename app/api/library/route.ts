import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { isStorageKeyReferenced } from "@/db/evidence";
import { addToLibrary, canAddToLibrary } from "@/db/evidence-library";
import { ActionError, defineRoute, refuse } from "@/lib/action";
import { evidenceStore } from "@/lib/storage";
import { refuseOversized, storeUpload, uploadName } from "@/lib/storage/upload";

/**
 * Upload of one file to the city's evidence library for a round (?roundId=), attached to no item yet: the raw
 * request body, streamed to disk while hashed. The same content uploaded again is the same library file.
 */
export const POST = defineRoute({ roles: ["city_staff"] }, async (request, { user }) => {
  const roundId = Number(request.nextUrl.searchParams.get("roundId"));
  const name = uploadName(request);
  if (!Number.isInteger(roundId) || roundId <= 0) throw new ActionError("invalidInput", 400);
  refuseOversized(request);
  const db = getDb();
  const allowed = canAddToLibrary(db, user, roundId);
  if (!allowed.ok) refuse(allowed.reason);

  const stored = await storeUpload(request, name);
  let added;
  try {
    added = addToLibrary(db, user, roundId, { originalName: name, ...stored });
  } finally {
    await evidenceStore().settle(stored.storageKey, () => isStorageKeyReferenced(db, stored.storageKey));
  }
  if (!added.ok) refuse(added.reason);
  const { file } = added;
  return NextResponse.json(
    {
      id: file.id,
      sha256: file.sha256,
      size: file.size,
      mime: file.mime,
      originalName: file.originalName,
      uploadedAt: file.uploadedAt.toISOString(),
      uploaderName: user.name,
      added: added.added,
    },
    { status: added.added ? 201 : 200 },
  );
});
