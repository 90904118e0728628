import ExcelJS from "exceljs";
import { getTranslations } from "next-intl/server";
import { getDb } from "@/db/client";
import { getRoundReport, listItemResults } from "@/db/report";
import { ActionError, defineRoute } from "@/lib/action";

/**
 * Results of a finalised round: one row per city (rank, total, modules, region, tier, flags) as CSV or
 * Excel; the workbook adds a sheet with every item's submitted and verified value, points and review status.
 */
export const GET = defineRoute<{ id: string }, { roles: ["admin", "reviewer"] }>({ roles: ["admin", "reviewer"] }, async (request, { params }) => {
  const format = request.nextUrl.searchParams.get("format");
  if (format !== "csv" && format !== "xlsx") throw new ActionError("invalidInput", 400);
  const db = getDb();
  const report = /^\d+$/.test(params.id) ? getRoundReport(db, Number(params.id)) : null;
  if (!report) throw new ActionError("notFound", 404);
  const t = await getTranslations("export");
  const tr = await getTranslations("regions");
  const tt = await getTranslations("tiers");
  const ts = await getTranslations("status");
  const en = t("locale") === "en";
  const name = (zh: string, english: string) => (en ? english : zh);

  const workbook = new ExcelJS.Workbook();
  const cities = workbook.addWorksheet(t("citiesSheet"));
  cities.addRow([t("rank"), t("city"), t("region"), t("tier"), t("total"), ...report.moduleRates.map((m) => `${m.code} ${name(m.nameZh, m.nameEn)}`), t("notSubmitted")]);
  for (const r of report.ranking) {
    cities.addRow([r.rank, name(r.nameZh, r.nameEn), tr(r.region), tt(r.tier), r.total, ...report.moduleRates.map((m) => r.modules[m.code] ?? 0), r.notSubmitted ? t("yes") : ""]);
  }
  const fileBase = `cityeval-round-${report.round.id}-results`;
  if (format === "csv") {
    // A BOM so that Excel opens the UTF-8 file with its Chinese names intact.
    const csv = Buffer.concat([Buffer.from("\uFEFF"), Buffer.from(await workbook.csv.writeBuffer({ sheetName: t("citiesSheet") }))]);
    return new Response(csv, { headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${fileBase}.csv"` } });
  }
  const itemsSheet = workbook.addWorksheet(t("itemsSheet"));
  itemsSheet.addRow([t("city"), t("item"), t("itemName"), t("submitted"), t("verified"), t("points"), t("reviewStatus")]);
  for (const row of listItemResults(db, report.round.id)) {
    const status = row.result.reviewStatus ?? "";
    itemsSheet.addRow([
      name(row.city.nameZh, row.city.nameEn),
      row.result.code,
      name(row.nameZh, row.nameEn),
      row.result.submittedValue === null ? "" : JSON.stringify(row.result.submittedValue),
      row.result.verifiedValue === null ? "" : JSON.stringify(row.result.verifiedValue),
      row.result.points / 100,
      ts.has(status as "verified") ? ts(status as "verified") : status,
    ]);
  }
  for (const sheet of [cities, itemsSheet]) sheet.getRow(1).font = { bold: true };
  const buffer = await workbook.xlsx.writeBuffer();
  return new Response(buffer, {
    headers: { "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Content-Disposition": `attachment; filename="${fileBase}.xlsx"` },
  });
});
