import { NextResponse } from "next/server";
import { getTranslations } from "next-intl/server";
import { getDb } from "@/db/client";
import { exportFramework, getRound, replaceFramework } from "@/db/rounds";
import { ActionError, defineRoute } from "@/lib/action";
import { validateFramework } from "@/lib/framework/validate";

const ADMIN = { roles: ["admin"] } as const;
const MAX_BYTES = 2 * 1024 * 1024;

function roundOf(id: string) {
  const round = /^\d+$/.test(id) ? getRound(getDb(), Number(id)) : null;
  if (!round) throw new ActionError("notFound", 404);
  return round;
}

/** The round's framework as a file of data/frameworks' format. */
export const GET = defineRoute<{ id: string }, typeof ADMIN>(ADMIN, async (_request, { params }) => {
  const round = roundOf(params.id);
  return new NextResponse(JSON.stringify(exportFramework(getDb(), round.id), null, 2), {
    headers: { "Content-Type": "application/json; charset=utf-8", "Content-Disposition": `attachment; filename="framework-round-${round.id}.json"` },
  });
});

/** Replaces a draft round's framework with an uploaded file; every problem is listed by code, nothing is half-written. */
export const PUT = defineRoute<{ id: string }, typeof ADMIN>(ADMIN, async (request, { user, params }) => {
  const round = roundOf(params.id);
  const text = await request.text();
  if (text.length > MAX_BYTES) throw new ActionError("fileTooLarge", 413, { max: 2 });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ActionError("frameworkNotJson", 400);
  }
  const result = validateFramework(json);
  if (!result.ok) {
    const t = await getTranslations("frameworkProblems");
    const problems = result.problems.map((p) => ({ at: p.at, message: t(p.key, p.params as Record<string, string | number>) }));
    throw new ActionError("frameworkInvalid", 422, { problems, count: problems.length });
  }
  const replaced = replaceFramework(getDb(), user.id, round.id, result.framework);
  if (!replaced.ok) throw new ActionError(replaced.reason, replaced.reason === "notFound" ? 404 : 409);
  return NextResponse.json({ ok: true });
});
