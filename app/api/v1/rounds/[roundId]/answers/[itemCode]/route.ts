import { NextResponse } from "next/server";
import { z } from "zod";
import { saveAnswer } from "@/db/answers";
import { itemByCode, readableRound } from "@/db/api-v1";
import { getDb } from "@/db/client";
import { ActionError, parseJsonBody, parseWithKeys, refuse, toErrorKey } from "@/lib/action";
import { defineApiRoute } from "@/lib/api/route";
import { answerWrite } from "@/lib/api/schemas";
import { answerSchemaFor } from "@/lib/questionnaire/answer-schema";
import { roundIdOf } from "../../../../params";

const CITY = ["city_staff", "department_staff"] as const;

/**
 * Answers an item of the token's city: the item's own schema validates the value, the revision check refuses a
 * change based on an older revision (with the current one), and saveAnswer audits it, as the questionnaire does.
 */
export const PUT = defineApiRoute<{ roundId: string; itemCode: string }, { roles: typeof CITY; scope: "write" }>(
  { roles: CITY, scope: "write" },
  async (request, { user, params }) => {
    const db = getDb();
    const round = readableRound(db, user, roundIdOf(params));
    const item = round && itemByCode(db, round.id, params.itemCode);
    if (!item) throw new ActionError("notFound", 404);
    const body = await parseJsonBody(request, answerWrite);
    const parsed = parseWithKeys(answerSchemaFor(item), {
      value: body.value,
      notApplicable: body.notApplicable,
      notApplicableReason: body.notApplicableReason ?? undefined,
    });
    if (!parsed.success) {
      const fieldErrors = z.flattenError(parsed.error).fieldErrors as Record<string, string[]>;
      throw new ActionError(toErrorKey(Object.values(fieldErrors)[0]?.[0]), 400, { fieldErrors });
    }
    const result = saveAnswer(db, user, { itemId: item.id, baseRevision: body.baseRevision, ...parsed.data });
    if (result.ok)
      return NextResponse.json({
        itemCode: item.code,
        revision: result.revision,
        updatedAt: result.updatedAt.toISOString(),
      });
    if (result.reason === "staleRevision") {
      const { value, notApplicableReason, revision, updatedAt, updatedByName } = result.current;
      throw new ActionError("staleRevision", 409, {
        current: { value, notApplicableReason, revision, updatedAt: updatedAt.toISOString() },
        name: updatedByName ?? "",
      });
    }
    refuse(result.reason);
  },
);
