import { NextResponse } from "next/server";
import { apiCityStatus, readableRound } from "@/db/api-v1";
import { getDb } from "@/db/client";
import { ActionError } from "@/lib/action";
import { defineApiRoute } from "@/lib/api/route";
import { roundIdOf } from "../../../params";

const CITY = ["city_staff", "department_staff"] as const;

/** Where the token's city stands in each module of the round. */
export const GET = defineApiRoute<{ roundId: string }, { roles: typeof CITY; scope: "read" }>(
  { roles: CITY, scope: "read" },
  async (_request, { user, params }) => {
    const db = getDb();
    const round = readableRound(db, user, roundIdOf(params));
    if (!round) throw new ActionError("notFound", 404);
    return NextResponse.json(apiCityStatus(db, user, round.id));
  },
);
