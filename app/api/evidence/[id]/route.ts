import { getDb } from "@/db/client";
import { getEvidenceForDownload } from "@/db/evidence";
import { ActionError, defineRoute } from "@/lib/action";
import { fileResponse } from "@/lib/storage/file-response";

/** Download (or inline preview with ?inline=1) of an evidence file; 404 for anyone who may not see it. */
export const GET = defineRoute<{ id: string }, { roles: ["city_staff", "department_staff", "reviewer", "admin"] }>(
  { roles: ["city_staff", "department_staff", "reviewer", "admin"] },
  async (request, { user, params }) => {
    const id = /^\d+$/.test(params.id) ? Number(params.id) : 0;
    const row = id ? getEvidenceForDownload(getDb(), user, id) : null;
    if (!row || !row.storageKey || !row.mime) throw new ActionError("notFound", 404);
    return fileResponse(
      { ...row, storageKey: row.storageKey, mime: row.mime },
      request.nextUrl.searchParams.get("inline") === "1",
    );
  },
);
