import ExcelJS from "exceljs";
import { getLocale, getTranslations } from "next-intl/server";
import { getDb } from "@/db/client";
import { getRoundReport, listItemResults } from "@/db/report";
import { latestFinalisation } from "@/db/signatures";
import { ActionError, defineRoute } from "@/lib/action";
import { mayExportResults } from "@/lib/auth/policy";
import { sheetToCsv } from "@/lib/csv";
import { pick } from "@/lib/i18n/pick";
import { formatScoredValue } from "@/lib/questionnaire/format";
import { toPoints } from "@/lib/scoring/hundredths";
import { canonicalBytes, fingerprint } from "@/lib/signing/signature";

/**
 * Results of a finalised round as CSV or Excel: one row per city (rank, total, modules, region, tier,
 * flags); and one row per city and item (submitted and verified value as people read them, points, review
 * status, the decisions of every stage with their reasons) as the workbook's second sheet or, with
 * `level=items`, as a CSV file of its own.
 */
export const GET = defineRoute<{ id: string }, { roles: ["admin", "reviewer", "city_staff"] }>(
  { roles: ["admin", "reviewer", "city_staff"] },
  async (request, { user, params }) => {
    if (!mayExportResults(user)) throw new ActionError("forbidden", 403);
    const format = request.nextUrl.searchParams.get("format");
    const level = request.nextUrl.searchParams.get("level") ?? "cities";
    if ((format !== "csv" && format !== "xlsx") || (level !== "cities" && level !== "items"))
      throw new ActionError("invalidInput", 400);
    const db = getDb();
    const report = /^\d+$/.test(params.id) ? getRoundReport(db, Number(params.id)) : null;
    if (!report) throw new ActionError("notFound", 404);
    const [t, tr, tt, ts, tq, trev, locale] = [
      await getTranslations("export"),
      await getTranslations("regions"),
      await getTranslations("tiers"),
      await getTranslations("status"),
      await getTranslations("questionnaire"),
      await getTranslations("review"),
      await getLocale(),
    ];
    const labels = { yes: tq("yes"), no: tq("no"), empty: "", notApplicable: tq("notApplicable") };

    const workbook = new ExcelJS.Workbook();
    const cities = workbook.addWorksheet(t("citiesSheet"));
    cities.addRow([
      t("rank"),
      t("city"),
      t("region"),
      t("tier"),
      t("total"),
      ...report.moduleRates.map((m) => `${m.code} ${pick(locale, m.nameZh, m.nameEn)}`),
      t("notSubmitted"),
    ]);
    for (const r of report.ranking) {
      cities.addRow([
        r.rank ?? t("absent"),
        pick(locale, r.nameZh, r.nameEn),
        tr(r.region),
        tt(r.tier),
        toPoints(r.total),
        ...report.moduleRates.map((m) => toPoints(r.modules[m.code] ?? 0)),
        r.absent ? t("absent") : r.notSubmitted ? t("yes") : "",
      ]);
    }

    const itemsSheet = workbook.addWorksheet(t("itemsSheet"));
    itemsSheet.addRow([
      t("city"),
      t("item"),
      t("itemName"),
      t("submitted"),
      t("verified"),
      t("points"),
      t("maxPoints"),
      t("reviewStatus"),
      t("decisions"),
    ]);
    for (const row of listItemResults(db, report.round.id)) {
      const { item, result } = row;
      const show = (value: unknown, notApplicableReason: string | null = null) =>
        formatScoredValue(item, value, notApplicableReason, locale, labels, (j) => trev(`judgement.${j}`));
      // An adjusted item is scored on the reviewer's value, whatever the city's not-applicable reason.
      const adjusted = row.decisions.some((d) => d.action === "adjust");
      const status = result.reviewStatus ?? "";
      itemsSheet.addRow([
        pick(locale, row.city.nameZh, row.city.nameEn),
        result.code,
        pick(locale, item.nameZh, item.nameEn),
        show(result.submittedValue, row.notApplicableReason),
        result.notSubmitted
          ? ts("not_submitted")
          : show(result.verifiedValue, adjusted ? null : row.notApplicableReason),
        toPoints(result.points),
        toPoints(item.maxPoints),
        ts.has(status as "verified") ? ts(status as "verified") : status,
        row.decisions
          .map(
            (d) =>
              `${pick(locale, d.stageNameZh, d.stageNameEn)} ${d.reviewerName}：${trev(`decided.${d.action as "accept"}`)}${d.action === "adjust" ? ` ${show(d.adjustedValue)}` : ""}${d.comment ? `（${d.comment}）` : ""}`,
          )
          .join("；"),
      ]);
    }

    // Every export carries the signed record, so a copy of the file can be tied to what the platform signed.
    const signed = latestFinalisation(db, report.round.id)?.signed;
    const signatureRows = signed
      ? [
          [t("signedRecord"), canonicalBytes(signed.record).toString("utf8")],
          [t("signature"), signed.signature],
          [t("publicKey"), signed.publicKey.trim()],
          [t("keyFingerprint"), fingerprint(signed.publicKey)],
        ]
      : [];
    const fileBase = `cityeval-round-${report.round.id}-${level === "items" ? "items" : "results"}`;
    if (format === "csv") {
      const sheetName = level === "items" ? t("itemsSheet") : t("citiesSheet");
      const sheet = workbook.getWorksheet(sheetName)!;
      if (signatureRows.length) sheet.addRows([[], ...signatureRows]);
      const csv = await sheetToCsv(workbook, sheetName);
      return new Response(csv, {
        headers: {
          "Content-Type": "text/csv; charset=utf-8",
          "Content-Disposition": `attachment; filename="${fileBase}.csv"`,
        },
      });
    }
    if (signatureRows.length) workbook.addWorksheet(t("signatureSheet")).addRows(signatureRows);
    for (const sheet of [cities, itemsSheet]) sheet.getRow(1).font = { bold: true };
    const buffer = await workbook.xlsx.writeBuffer();
    return new Response(buffer, {
      headers: {
        "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Content-Disposition": `attachment; filename="${fileBase}.xlsx"`,
      },
    });
  },
);
