import { NextResponse } from "next/server";
import { getCityById } from "@/db/cities";
import { getDb } from "@/db/client";
import { defineApiRoute } from "@/lib/api/route";
import { ROLES } from "@/lib/domain";

/** The token's user: role, city and the token's scope. */
export const GET = defineApiRoute({ roles: ROLES, scope: "read" }, async (_request, { user, scope }) => {
  const city = user.cityId === null ? null : getCityById(getDb(), user.cityId);
  return NextResponse.json({
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    city: city && { code: city.code, nameZh: city.nameZh, nameEn: city.nameEn },
    scope,
  });
});
