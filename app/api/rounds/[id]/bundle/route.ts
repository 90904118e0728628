import contentDisposition from "content-disposition";
import { NextResponse } from "next/server";
import { buildBundle } from "@/db/bundle";
import { getCityByCode } from "@/db/cities";
import { getDb } from "@/db/client";
import { ActionError, defineRoute } from "@/lib/action";
import { mayDownloadBundle } from "@/lib/auth/policy";

/**
 * The verification bundle of a finalised round as a JSON file: `?city=<code>` for one city's part (its staff
 * get their own city's without the parameter), the whole round for admins. Check it with
 * `npm run verify -- --bundle <file>` or on the page /verify.
 */
export const GET = defineRoute<{ id: string }, { roles: ["admin", "reviewer", "city_staff"] }>(
  { roles: ["admin", "reviewer", "city_staff"] },
  async (request, { user, params }) => {
    const db = getDb();
    const code = request.nextUrl.searchParams.get("city");
    const cityId = code ? (getCityByCode(db, code)?.id ?? 0) : user.role === "city_staff" ? user.cityId : null;
    const scope = cityId === null ? ({ kind: "round" } as const) : ({ kind: "city", cityId } as const);
    if (!mayDownloadBundle(user, scope))
      throw new ActionError(
        user.role === "reviewer" || scope.kind === "round" ? "forbidden" : "notFound",
        user.role === "reviewer" || scope.kind === "round" ? 403 : 404,
      );
    const roundId = /^\d+$/.test(params.id) ? Number(params.id) : 0;
    const bundle = roundId ? buildBundle(db, roundId, scope) : null;
    if (!bundle) throw new ActionError("notFound", 404);
    const city = scope.kind === "city" ? bundle.cities.find((c) => c.id === scope.cityId)?.code : null;
    return new NextResponse(JSON.stringify(bundle, null, 2), {
      headers: {
        "Content-Type": "application/json; charset=utf-8",
        "Content-Disposition": contentDisposition(
          `cityeval-round-${roundId}${city ? `-${city}` : ""}-verification.json`,
        ),
        "Cache-Control": "private, no-store",
      },
    });
  },
);
