import ExcelJS from "exceljs";
import { getTranslations } from "next-intl/server";
import { listAuditEntries } from "@/db/audit";
import { getDb } from "@/db/client";
import { ActionError, defineRoute } from "@/lib/action";
import { auditFilterSchema, toAuditFilter } from "@/lib/audit/filter";
import { sheetToCsv } from "@/lib/csv";

/** The filtered audit log as CSV (UTF-8 with BOM), for administrators. */
export const GET = defineRoute({ roles: ["admin"] }, async (request) => {
  const parsed = auditFilterSchema.safeParse(Object.fromEntries(request.nextUrl.searchParams));
  if (!parsed.success) throw new ActionError("invalidInput", 400);
  const t = await getTranslations("audit");
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("audit");
  sheet.addRow([t("at"), t("actor"), t("action"), t("entity"), t("round"), t("city"), t("before"), t("after"), "hash"]);
  for (const { entry, actorEmail, roundName, cityZh } of listAuditEntries(
    getDb(),
    toAuditFilter(parsed.data),
    100_000,
  )) {
    sheet.addRow([
      entry.at.toISOString(),
      actorEmail ?? "",
      entry.action,
      `${entry.entityType} ${entry.entityId ?? ""}`,
      roundName ?? "",
      cityZh ?? "",
      JSON.stringify(entry.before),
      JSON.stringify(entry.after),
      entry.hash,
    ]);
  }
  const csv = await sheetToCsv(workbook);
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": 'attachment; filename="cityeval-audit.csv"',
    },
  });
});
