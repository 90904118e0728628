import { NextResponse } from "next/server";
import { apiRoundResults, readableRound } from "@/db/api-v1";
import { getDb } from "@/db/client";
import { ActionError } from "@/lib/action";
import { defineApiRoute } from "@/lib/api/route";
import { roundIdOf } from "../../../params";

const ADMIN = ["admin"] as const;

/** A finalised round's totals, ranks and module points (admins). */
export const GET = defineApiRoute<{ roundId: string }, { roles: typeof ADMIN; scope: "read" }>(
  { roles: ADMIN, scope: "read" },
  async (_request, { user, params }) => {
    const db = getDb();
    const round = readableRound(db, user, roundIdOf(params));
    if (!round) throw new ActionError("notFound", 404);
    if (round.status !== "finalised") throw new ActionError("roundNotFinalised", 409);
    return NextResponse.json(apiRoundResults(db, round));
  },
);
