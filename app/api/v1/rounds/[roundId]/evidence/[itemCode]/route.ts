import { NextResponse } from "next/server";
import { itemByCode, readableRound } from "@/db/api-v1";
import { getDb } from "@/db/client";
import { canEditItem } from "@/db/editing";
import { addEvidence, isStorageKeyReferenced } from "@/db/evidence";
import { ActionError, parseJsonBody, refuse } from "@/lib/action";
import { defineApiRoute } from "@/lib/api/route";
import { linkEvidence } from "@/lib/api/schemas";
import { evidenceStore } from "@/lib/storage";
import { refuseOversized, storeUpload, uploadName } from "@/lib/storage/upload";
import { roundIdOf } from "../../../../params";

const CITY = ["city_staff", "department_staff"] as const;

/**
 * Adds evidence to an item of the token's city: a link as JSON, or a file as the raw body (its name in
 * X-File-Name), streamed, hashed, type-checked and put in the city's library, as an upload in the questionnaire.
 */
export const POST = defineApiRoute<{ roundId: string; itemCode: string }, { roles: typeof CITY; scope: "write" }>(
  { roles: CITY, scope: "write" },
  async (request, { user, params }) => {
    const db = getDb();
    const round = readableRound(db, user, roundIdOf(params));
    const item = round && itemByCode(db, round.id, params.itemCode);
    if (!item) throw new ActionError("notFound", 404);
    const allowed = canEditItem(db, user, item.id);
    if (!allowed.ok) refuse(allowed.reason);
    const out = (added: { id: number }, fields: Record<string, unknown>) =>
      NextResponse.json(
        { id: added.id, itemCode: item.code, url: null, originalName: null, size: null, sha256: null, ...fields },
        { status: 201 },
      );

    if (request.headers.get("content-type")?.toLowerCase().startsWith("application/json")) {
      const { url } = await parseJsonBody(request, linkEvidence);
      const added = addEvidence(db, user, item.id, { kind: "url", url });
      if (!added.ok) refuse(added.reason);
      return out(added, { kind: "url", url });
    }
    const name = uploadName(request);
    refuseOversized(request);
    const stored = await storeUpload(request, name);
    let added;
    try {
      added = addEvidence(db, user, item.id, { kind: "file", originalName: name, ...stored });
    } finally {
      await evidenceStore().settle(stored.storageKey, () => isStorageKeyReferenced(db, stored.storageKey));
    }
    if (!added.ok) refuse(added.reason);
    return out(added, { kind: "file", originalName: name, size: stored.size, sha256: stored.sha256 });
  },
);
