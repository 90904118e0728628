import contentDisposition from "content-disposition";
import { fileTypeFromBuffer } from "file-type";
import { type NextRequest, NextResponse } from "next/server";
import { getTranslations } from "next-intl/server";
import { getDb } from "@/db/client";
import { exportFramework, replaceFramework } from "@/db/framework";
import { getRound } from "@/db/rounds";
import { ActionError, defineRoute, readLimitedBody, refuse } from "@/lib/action";
import type { FrameworkFile } from "@/lib/framework/schema";
import { validateFramework } from "@/lib/framework/validate";
import { UnreadableWorkbookError, type WorkbookProblem, XLSX_CONTENT_TYPE } from "@/lib/framework/workbook";
import { workbookToFramework } from "@/lib/framework/workbook-read";
import { frameworkToWorkbook } from "@/lib/framework/workbook-write";

const ADMIN = { roles: ["admin"] } as const;
const MAX_MB = 2;

function roundOf(id: string) {
  const round = /^\d+$/.test(id) ? getRound(getDb(), Number(id)) : null;
  if (!round) throw new ActionError("notFound", 404);
  return round;
}

/** By its content type, or by its bytes: a browser may send a workbook with none or a generic one. */
async function isWorkbook(request: NextRequest, bytes: Uint8Array): Promise<boolean> {
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  return type === XLSX_CONTENT_TYPE || (await fileTypeFromBuffer(bytes))?.ext === "xlsx";
}

/** A JSON file (every problem by code) or a workbook (every problem by code, sheet, row and column). */
async function frameworkOf(
  request: NextRequest,
  bytes: Uint8Array,
): Promise<{ ok: true; framework: FrameworkFile } | { ok: false; problems: WorkbookProblem[] }> {
  if (await isWorkbook(request, bytes)) {
    try {
      return await workbookToFramework(bytes);
    } catch (error) {
      if (error instanceof UnreadableWorkbookError) throw new ActionError("frameworkWorkbookUnreadable", 400);
      throw error;
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new ActionError("frameworkNotJson", 400);
  }
  return validateFramework(json);
}

/** The round's framework as a file of data/frameworks' format, or with `?format=xlsx` as an editable workbook. */
export const GET = defineRoute<{ id: string }, typeof ADMIN>(ADMIN, async (request, { params }) => {
  const round = roundOf(params.id);
  const format = request.nextUrl.searchParams.get("format") ?? "json";
  if (format !== "json" && format !== "xlsx") throw new ActionError("invalidInput", 400);
  const framework = exportFramework(getDb(), round.id);
  const disposition = contentDisposition(`framework-round-${round.id}.${format}`);
  if (format === "xlsx") {
    const buffer = await frameworkToWorkbook(framework).xlsx.writeBuffer();
    return new Response(buffer, { headers: { "Content-Type": XLSX_CONTENT_TYPE, "Content-Disposition": disposition } });
  }
  return new NextResponse(JSON.stringify(framework, null, 2), {
    headers: { "Content-Type": "application/json; charset=utf-8", "Content-Disposition": disposition },
  });
});

/**
 * Replaces a draft round's framework with an uploaded JSON file or .xlsx workbook (raw body); every problem is
 * listed, nothing is half-written. With `If-Match: <revision>` (the editor) it is refused with 412 when the
 * framework changed since that revision was read.
 */
export const PUT = defineRoute<{ id: string }, typeof ADMIN>(ADMIN, async (request, { user, params }) => {
  const round = roundOf(params.id);
  const result = await frameworkOf(request, await readLimitedBody(request, MAX_MB));
  if (!result.ok) {
    const t = await getTranslations("frameworkProblems");
    const problems = result.problems.map(({ at, sheet, row, column, key, params }) => ({
      at,
      sheet,
      row,
      column,
      message: t(key, params),
    }));
    throw new ActionError("frameworkInvalid", 422, { problems, count: problems.length });
  }
  // The editor sends the revision it loaded, so that saving never silently undoes a change made meanwhile.
  const expected = request.headers.get("if-match")?.replace(/^"|"$/g, "") || undefined;
  const replaced = replaceFramework(getDb(), user, round.id, result.framework, expected);
  if (!replaced.ok) refuse(replaced.reason);
  return NextResponse.json({ ok: true, revision: replaced.revision });
});
