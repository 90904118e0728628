import { getDb } from "@/db/client";
import { getLibraryFile } from "@/db/evidence-library";
import { ActionError, defineRoute } from "@/lib/action";
import { fileResponse } from "@/lib/storage/file-response";

/** Download (or inline preview with ?inline=1) of a file of a city's library: its staff and admins; else 404. */
export const GET = defineRoute<{ id: string }, { roles: ["city_staff", "admin"] }>(
  { roles: ["city_staff", "admin"] },
  async (request, { user, params }) => {
    const id = /^\d+$/.test(params.id) ? Number(params.id) : 0;
    const file = id ? getLibraryFile(getDb(), user, id) : null;
    if (!file) throw new ActionError("notFound", 404);
    return fileResponse(file, request.nextUrl.searchParams.get("inline") === "1");
  },
);
