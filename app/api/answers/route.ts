import { NextResponse } from "next/server";
import { z } from "zod";
import { getItemForCity, saveAnswer } from "@/db/answers";
import { getDb } from "@/db/client";
import { ActionError, defineRoute, parseJsonBody, parseWithKeys, refuse, toErrorKey } from "@/lib/action";
import { answerSchemaFor } from "@/lib/questionnaire/answer-schema";

const bodySchema = z.object({
  itemId: z.number().int().positive(),
  baseRevision: z.number().int().min(0),
  value: z.unknown(),
  notApplicable: z.boolean().optional(),
  notApplicableReason: z
    .string()
    .nullish()
    .transform((reason) => reason ?? undefined),
});

/** Autosave of one answer. The value is validated with the schema derived from the item, as in the form. */
export const PUT = defineRoute({ roles: ["city_staff", "department_staff"] }, async (request, { user }) => {
  const body = await parseJsonBody(request, bodySchema);
  const db = getDb();
  const item = user.cityId === null ? null : getItemForCity(db, body.itemId, user.cityId);
  if (!item) throw new ActionError("notFound", 404);
  const parsed = parseWithKeys(answerSchemaFor(item), body);
  if (!parsed.success) {
    const fieldErrors = z.flattenError(parsed.error).fieldErrors as Record<string, string[]>;
    throw new ActionError(toErrorKey(Object.values(fieldErrors)[0]?.[0]), 400, { fieldErrors });
  }
  const result = saveAnswer(db, user, { itemId: item.id, baseRevision: body.baseRevision, ...parsed.data });
  if (result.ok) return NextResponse.json({ revision: result.revision, updatedAt: result.updatedAt.toISOString() });
  if (result.reason === "staleRevision") {
    const { current } = result;
    throw new ActionError("staleRevision", 409, {
      current: { ...current, updatedAt: current.updatedAt.toISOString() },
      name: current.updatedByName ?? "",
    });
  }
  refuse(result.reason);
});
