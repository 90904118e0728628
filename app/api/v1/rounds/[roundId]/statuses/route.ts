import { NextResponse } from "next/server";
import { apiRoundStatuses, readableRound } from "@/db/api-v1";
import { getDb } from "@/db/client";
import { ActionError } from "@/lib/action";
import { defineApiRoute } from "@/lib/api/route";
import { roundIdOf } from "../../../params";

const ADMIN = ["admin"] as const;

/** Every participating city's status per module (admins). */
export const GET = defineApiRoute<{ roundId: string }, { roles: typeof ADMIN; scope: "read" }>(
  { roles: ADMIN, scope: "read" },
  async (_request, { user, params }) => {
    const db = getDb();
    const round = readableRound(db, user, roundIdOf(params));
    if (!round) throw new ActionError("notFound", 404);
    return NextResponse.json(apiRoundStatuses(db, round.id));
  },
);
