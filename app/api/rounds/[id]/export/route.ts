import { once } from "node:events";
import { PassThrough, type Readable, type Writable } from "node:stream";
import { ReadableStream } from "node:stream/web";
import { format as csvFormat } from "@fast-csv/format";
import ExcelJS from "exceljs";
import { getLocale, getTranslations } from "next-intl/server";
import { getDb } from "@/db/client";
import { getRoundReport, itemResultsInBatches } from "@/db/report";
import { getRound } from "@/db/rounds";
import { latestFinalisation } from "@/db/signatures";
import { ActionError, defineRoute } from "@/lib/action";
import { mayExportResults } from "@/lib/auth/policy";
import { neutraliseFormula } from "@/lib/csv";
import { cityHeader, cityRow, itemHeader, itemRow, type SheetTexts } from "@/lib/export/results-sheets";
import { logger } from "@/lib/server/logger";
import { canonicalBytes, fingerprint } from "@/lib/signing/signature";

/** Cities read at a time: few enough that a batch's rows die young (the server's memory stays flat). */
const CITIES_PER_BATCH = 25;

/**
 * Lets the response's reader take what is written before the next batch of cities is read: waits while the
 * stream holds more than its high-water mark (a slow client), so that memory stays bounded.
 */
async function yieldToReader(stream: Writable): Promise<void> {
  if (stream.writableLength > stream.writableHighWaterMark) await once(stream, "drain");
  else await new Promise((resolve) => setImmediate(resolve));
}

/**
 * A Node stream as a response body. `ReadableStream.from` ends the stream when the client goes away (Node's
 * `Readable.toWeb` then throws on its closed controller, nodejs/node#64529).
 */
function responseBody(stream: Readable): BodyInit {
  return ReadableStream.from(stream) as unknown as BodyInit;
}

/**
 * Results of a finalised round as CSV or Excel: one row per city (rank, total, modules, region, tier, flags);
 * and one row per city and item (submitted and verified value as people read them, points, review status, the
 * decisions of every stage with their reasons) as the workbook's second sheet or, with `level=items`, as a CSV
 * file of its own. Both stream: the first bytes leave at once, rows are read 25 cities at a time, and
 * memory does not grow with the number of cities.
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
    const texts: SheetTexts = {
      locale,
      t: (key) => t(key as "rank"),
      region: (key) => tr(key as "east"),
      tier: (key) => tt(key as "prefecture"),
      status: (key) => ts(key as "verified"),
      hasStatus: (key) => ts.has(key as "verified"),
      decided: (action) => trev(`decided.${action as "accept"}`),
      judgement: (j) => trev(`judgement.${j as "ok"}`),
      values: { yes: tq("yes"), no: tq("no"), empty: "", notApplicable: tq("notApplicable") },
    };
    const modules = report.moduleRates;
    const roundId = report.round.id;
    /**
     * Rows are read between writes: if the round were reopened and finalised again meanwhile (a slow download),
     * later rows would not be those the file's signature covers. Checked before each batch; the download then
     * stops with an error instead of mixing two finalisations.
     */
    const stillTheSame = () => {
      const now = getRound(db, roundId);
      return now?.status === "finalised" && now.digest === report.round.digest;
    };
    const fail = (stream: Writable, error: unknown) => {
      logger.error({ err: error, roundId, format, level }, "export stopped");
      stream.destroy(error instanceof Error ? error : new Error(String(error)));
    };

    // Every export carries the signed record, so a copy of the file can be tied to what the platform signed.
    const signed = latestFinalisation(db, roundId)?.signed;
    const signatureRows = signed
      ? [
          [t("signedRecord"), canonicalBytes(signed.record).toString("utf8")],
          [t("signature"), signed.signature],
          [t("publicKey"), signed.publicKey.trim()],
          [t("keyFingerprint"), fingerprint(signed.publicKey)],
        ]
      : [];
    const fileBase = `cityeval-round-${roundId}-${level === "items" ? "items" : "results"}`;

    if (format === "csv") {
      // UTF-8 with a BOM so that Excel keeps Chinese text; text cells that a spreadsheet would run as a formula
      // are neutralised (lib/csv.ts).
      const csv = csvFormat<(string | number)[], (string | number)[]>({
        writeBOM: true,
        transform: (row: (string | number)[]) =>
          row.map((cell) => (typeof cell === "string" ? neutraliseFormula(cell) : cell)),
      });
      void (async () => {
        try {
          if (level === "items") {
            csv.write(itemHeader(texts));
            for (const batch of itemResultsInBatches(db, roundId, CITIES_PER_BATCH)) {
              if (csv.destroyed) return; // the client went away
              if (!stillTheSame()) throw new Error("the round was finalised again during the export");
              for (const row of batch) csv.write(itemRow(texts, row));
              await yieldToReader(csv);
            }
          } else {
            csv.write(cityHeader(texts, modules));
            for (const r of report.ranking) csv.write(cityRow(texts, modules, r));
          }
          if (signatureRows.length) for (const row of [[], ...signatureRows]) csv.write(row);
          csv.end();
        } catch (error) {
          fail(csv, error);
        }
      })();
      return new Response(responseBody(csv), {
        headers: {
          "Content-Type": "text/csv; charset=utf-8",
          "Content-Disposition": `attachment; filename="${fileBase}.csv"`,
        },
      });
    }

    const body = new PassThrough();
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: body, useStyles: true });
    void (async () => {
      try {
        const cities = workbook.addWorksheet(t("citiesSheet"));
        const header = cities.addRow(cityHeader(texts, modules));
        header.font = { bold: true };
        header.commit();
        for (const r of report.ranking) cities.addRow(cityRow(texts, modules, r)).commit();
        cities.commit();
        const itemsSheet = workbook.addWorksheet(t("itemsSheet"));
        const itemsHeader = itemsSheet.addRow(itemHeader(texts));
        itemsHeader.font = { bold: true };
        itemsHeader.commit();
        for (const batch of itemResultsInBatches(db, roundId, CITIES_PER_BATCH)) {
          if (body.destroyed) return; // the client went away
          if (!stillTheSame()) throw new Error("the round was finalised again during the export");
          for (const row of batch) itemsSheet.addRow(itemRow(texts, row)).commit();
          await yieldToReader(body);
        }
        itemsSheet.commit();
        if (signatureRows.length) {
          const signature = workbook.addWorksheet(t("signatureSheet"));
          for (const row of signatureRows) signature.addRow(row).commit();
          signature.commit();
        }
        await workbook.commit();
      } catch (error) {
        fail(body, error);
      }
    })();
    return new Response(responseBody(body), {
      headers: {
        "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Content-Disposition": `attachment; filename="${fileBase}.xlsx"`,
      },
    });
  },
);
