import { NextResponse } from "next/server";
import { apiFramework, readableRound } from "@/db/api-v1";
import { getDb } from "@/db/client";
import { ActionError } from "@/lib/action";
import { defineApiRoute } from "@/lib/api/route";
import { ROLES } from "@/lib/domain";
import { roundIdOf } from "../../../params";

/** The round's framework, for anyone who may read the round (lib/auth/policy.ts maySeeRound). */
export const GET = defineApiRoute<{ roundId: string }, { roles: typeof ROLES; scope: "read" }>(
  { roles: ROLES, scope: "read" },
  async (_request, { user, params }) => {
    const db = getDb();
    const round = readableRound(db, user, roundIdOf(params));
    if (!round) throw new ActionError("notFound", 404);
    return NextResponse.json(apiFramework(db, round.id));
  },
);
