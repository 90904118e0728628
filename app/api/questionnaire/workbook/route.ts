import { createHash } from "node:crypto";
import contentDisposition from "content-disposition";
import { NextResponse } from "next/server";
import { getLocale, getTranslations } from "next-intl/server";
import { getDb } from "@/db/client";
import { roundRules } from "@/db/framework";
import { applyWorkbookImport, loadWorkbookData } from "@/db/questionnaire-workbook";
import { ActionError, defineRoute, readLimitedBody, refuse } from "@/lib/action";
import { pick } from "@/lib/i18n/pick";
import { TEXT_MAX } from "@/lib/questionnaire/answer-schema";
import { formatAnswer } from "@/lib/questionnaire/format";
import {
  type ImportLine,
  planWorkbookImport,
  readQuestionnaireWorkbook,
  WorkbookFileError,
  type WorkbookLabels,
  writeQuestionnaireWorkbook,
} from "@/lib/questionnaire/workbook";
import { brokenRules, ruleValuesOf } from "@/lib/validation/rules";

const STAFF = { roles: ["city_staff"] } as const;
/** A module's workbook is tens of kilobytes; a small limit also bounds what a crafted zip can unfold into. */
const MAX_MB = 1;
/** Problems listed at most: a workbook with more is not worth reading further. */
const MAX_PROBLEMS = 200;

/** ?roundId=&moduleCode= of the caller's own city; anything else is a 404. */
function target(request: Request) {
  const params = new URL(request.url).searchParams;
  const roundId = Number(params.get("roundId"));
  const moduleCode = params.get("moduleCode") ?? "";
  if (!Number.isInteger(roundId) || roundId <= 0 || !/^[A-Za-z0-9._-]{1,20}$/.test(moduleCode))
    throw new ActionError("invalidInput", 400);
  return { roundId, moduleCode };
}

async function labels(): Promise<WorkbookLabels> {
  const t = await getTranslations("questionnaire.workbook");
  return {
    code: t("code"),
    name: t("name"),
    unit: t("unit"),
    limits: t("limits"),
    value: t("value"),
    notApplicable: t("notApplicable"),
    reason: t("reason"),
    revision: t("revision"),
    yes: t("yes"),
    no: t("no"),
    numberLimits: (item) =>
      t("numberLimits", {
        min: item.minValue ?? t("anyNumber"),
        max: item.maxValue ?? t("anyNumber"),
        decimals: item.decimals === null ? "none" : String(item.decimals),
      }),
    multiHint: t("multiHint"),
    booleanLimits: t("booleanLimits", { yes: t("yes"), no: t("no") }),
    urlLimits: t("urlLimits"),
    textLimits: t("textLimits", { max: TEXT_MAX }),
    prefilledNote: t("prefilledNote"),
  };
}

/** The module's questionnaire as an Excel workbook holding the city's current answers. */
export const GET = defineRoute(STAFF, async (request, { user }) => {
  const { roundId, moduleCode } = target(request);
  const data = loadWorkbookData(getDb(), user, roundId, moduleCode);
  if (!data) refuse("notFound");
  const [t, locale] = [await getTranslations("questionnaire.workbook"), await getLocale()];
  const city = pick(locale, data.city.nameZh, data.city.nameEn);
  const moduleName = pick(locale, data.module.nameZh, data.module.nameEn);
  const errors = await getTranslations("errors");
  const lockedItems = new Map(
    data.items.flatMap((item) => {
      const refusal = data.refusalOf(item.code);
      return refusal ? [[item.code, errors.has(refusal) ? errors(refusal) : refusal] as const] : [];
    }),
  );
  const bytes = await writeQuestionnaireWorkbook({
    target: { roundId, cityCode: data.city.code, moduleCode },
    title: t("sheetTitle", { city, module: moduleName }),
    items: data.items,
    answers: data.stored,
    labels: await labels(),
    locale,
    lockedItems,
  });
  return new Response(new Uint8Array(bytes), {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": contentDisposition(`${city}-${moduleCode}-${moduleName}.xlsx`),
      "Cache-Control": "private, no-store",
    },
  });
});

/**
 * An uploaded workbook (raw body) as a preview: per item unchanged, changed from → to, in conflict or locked, and
 * every problem with its row and column. With `?apply=1` the changes are saved, all or none, only when there is
 * no problem, no conflict and no locked item.
 */
export const POST = defineRoute(STAFF, async (request, { user }) => {
  const { roundId, moduleCode } = target(request);
  const bytes = await readLimitedBody(request, MAX_MB);
  const db = getDb();
  const data = loadWorkbookData(db, user, roundId, moduleCode);
  if (!data) refuse("notFound");
  const workbookLabels = await labels();
  let read;
  try {
    read = await readQuestionnaireWorkbook(
      bytes,
      { roundId, cityCode: data.city.code, moduleCode },
      data.items,
      workbookLabels,
    );
  } catch (error) {
    if (error instanceof WorkbookFileError) throw new ActionError(error.reason, 422);
    throw error;
  }
  const [errors, tq, locale] = [
    await getTranslations("errors"),
    await getTranslations("questionnaire"),
    await getLocale(),
  ];
  const itemOf = new Map(data.items.map((i) => [i.code, i]));
  const problems = read.problems.slice(0, MAX_PROBLEMS).map(({ row, column, key, params, code }) => ({
    row,
    column,
    item: code ? `${code} ${pick(locale, itemOf.get(code)!.nameZh, itemOf.get(code)!.nameEn)}` : null,
    message: errors.has(key) ? errors(key, params) : errors("unexpected"),
  }));
  const answerLabels = { yes: tq("yes"), no: tq("no"), empty: tq("empty"), notApplicable: tq("notApplicable") };
  const show = (code: string, answer: { value: unknown; notApplicableReason: string | null } | null) =>
    formatAnswer(itemOf.get(code)!, answer ?? { value: null, notApplicableReason: null }, locale, answerLabels);
  /** A plan line as the page shows it: the item's name and its values as people read them. */
  const view = (line: ImportLine) => ({
    code: line.code,
    name: pick(locale, itemOf.get(line.code)!.nameZh, itemOf.get(line.code)!.nameEn),
    row: line.row,
    status: line.status,
    ...(line.status === "changed" ? { from: show(line.code, line.from), to: show(line.code, line.to) } : {}),
    ...(line.status === "conflict" ? { current: show(line.code, line.current), to: show(line.code, line.to) } : {}),
    ...(line.status === "locked"
      ? { to: show(line.code, line.to), reason: errors.has(line.reason) ? errors(line.reason) : line.reason }
      : {}),
  });
  const apply = new URL(request.url).searchParams.get("apply") === "1";
  if (!apply) {
    // The module's validation rules on the answers as they would be after the import (shown; submitting checks them).
    const values = ruleValuesOf([...data.stored].map(([code, a]) => ({ code, ...a })));
    for (const p of read.proposed) values[p.code] = p.notApplicableReason ? null : p.value;
    const rules = brokenRules(roundRules(db, roundId, moduleCode), values).map((r) => ({
      code: r.code,
      level: r.level,
      message: pick(locale, r.message.zh, r.message.en),
    }));
    return NextResponse.json({
      lines: planWorkbookImport(read.proposed, data.stored, data.refusalOf).map(view),
      problems,
      rules,
    });
  }
  if (problems.length) throw new ActionError("importHasProblems", 422, { problems, count: problems.length });
  let name = "";
  try {
    name = decodeURIComponent(request.headers.get("x-file-name") ?? "").slice(0, 255);
  } catch {
    name = ""; // only recorded in the audit entry: a name that does not decode is left out
  }
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const result = applyWorkbookImport(db, user, roundId, moduleCode, read.proposed, { name, sha256 });
  if (!result.ok && result.reason === "notFound") refuse("notFound");
  if (!result.ok) throw new ActionError("importNotApplicable", 409, { lines: result.plan.map(view) });
  return NextResponse.json({ changed: result.changed });
});
