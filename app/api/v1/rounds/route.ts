import { NextResponse } from "next/server";
import { apiRounds } from "@/db/api-v1";
import { getDb } from "@/db/client";
import { defineApiRoute } from "@/lib/api/route";
import { ROLES } from "@/lib/domain";

/** The rounds the token's user takes part in (admins: every round). */
export const GET = defineApiRoute({ roles: ROLES, scope: "read" }, async (_request, { user }) =>
  NextResponse.json(apiRounds(getDb(), user)),
);
