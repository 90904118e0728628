import { NextResponse } from "next/server";
import { apiAnswers, readableRound } from "@/db/api-v1";
import { getDb } from "@/db/client";
import { ActionError } from "@/lib/action";
import { defineApiRoute } from "@/lib/api/route";
import { answersQuery } from "@/lib/api/schemas";
import { roundIdOf } from "../../../params";

const CITY = ["city_staff", "department_staff"] as const;

/** The token's city's answers in the round (a department user's: their items only). */
export const GET = defineApiRoute<{ roundId: string }, { roles: typeof CITY; scope: "read" }>(
  { roles: CITY, scope: "read" },
  async (request, { user, params }) => {
    const db = getDb();
    const round = readableRound(db, user, roundIdOf(params));
    if (!round) throw new ActionError("notFound", 404);
    const query = answersQuery.safeParse(Object.fromEntries(request.nextUrl.searchParams));
    if (!query.success) throw new ActionError("invalidInput", 400);
    return NextResponse.json(apiAnswers(db, user, round.id, query.data.module));
  },
);
