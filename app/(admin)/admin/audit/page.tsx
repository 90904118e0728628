import type { Metadata } from "next";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { Pagination, pageHref } from "@/components/ui/pagination";
import { countAuditEntries, listAuditActions, listAuditEntries } from "@/db/audit";
import { listCities } from "@/db/cities";
import { getDb } from "@/db/client";
import { listRoundNames } from "@/db/rounds";
import { ensureDailyCheckpoint } from "@/db/signatures";
import { listUserOptions } from "@/db/users";
import { verifyAuditForPage } from "@/db/verify";
import { auditFilterSchema, toAuditFilter } from "@/lib/audit/filter";
import { requireRole } from "@/lib/auth/session";
import { ownPublicKey } from "@/lib/config/signing-key";
import { pick } from "@/lib/i18n/pick";
import { pageOf } from "@/lib/pagination";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("audit"))("title") };
}

/** Entries per page: the log grows without bound (a national round writes hundreds of thousands). */
const PER_PAGE = 100;

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  await requireRole("admin");
  const db = getDb();
  ensureDailyCheckpoint(db);
  const chain = verifyAuditForPage(db, ownPublicKey());
  const firstBroken = chain.checks.flatMap((c) => c.differences)[0];
  const [t, locale, format] = [await getTranslations("audit"), await getLocale(), await getFormatter()];
  const raw = await searchParams;
  const parsed = auditFilterSchema.safeParse(raw);
  const filter = parsed.success ? parsed.data : {};
  const auditFilter = toAuditFilter(filter);
  const page = pageOf(raw.page, countAuditEntries(db, auditFilter), PER_PAGE);
  const entries = listAuditEntries(db, auditFilter, page.size, page.offset);
  const roundOptions = listRoundNames(db);
  const cityOptions = listCities(db);
  const userOptions = listUserOptions(db);
  const query = new URLSearchParams(
    Object.entries(filter)
      .filter(([, v]) => v !== undefined && v !== "")
      .map(([k, v]) => [k, String(v)]),
  ).toString();
  const select = "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm";
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">{t("title")}</h1>
      <p
        role="status"
        data-testid="chain-status"
        className={`rounded-md border px-3 py-2 text-sm ${chain.ok ? "border-emerald-200 bg-emerald-50 text-emerald-800" : "border-red-300 bg-red-50 text-red-800"}`}
      >
        {chain.ok
          ? t("chainIntact", {
              rows: chain.rows,
              at: format.dateTime(chain.checkedAt, { dateStyle: "medium", timeStyle: "medium" }),
            })
          : t("chainBroken", { problem: firstBroken ?? "" })}
      </p>
      {!parsed.success && (
        <p role="alert" className="text-sm text-red-700">
          {t("badFilter")}
        </p>
      )}
      <form role="search" className="flex flex-wrap items-end gap-3 text-sm">
        <label htmlFor="audit-round" className="flex flex-col gap-1">
          {t("round")}
          <select id="audit-round" name="round" defaultValue={filter.round ?? ""} className={select}>
            <option value="">{t("all")}</option>
            {roundOptions.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
        <label htmlFor="audit-city" className="flex flex-col gap-1">
          {t("city")}
          <select id="audit-city" name="city" defaultValue={filter.city ?? ""} className={select}>
            <option value="">{t("all")}</option>
            {cityOptions.map((c) => (
              <option key={c.id} value={c.id}>
                {pick(locale, c.nameZh, c.nameEn)}
              </option>
            ))}
          </select>
        </label>
        <label htmlFor="audit-user" className="flex flex-col gap-1">
          {t("actor")}
          <select id="audit-user" name="user" defaultValue={filter.user ?? ""} className={select}>
            <option value="">{t("all")}</option>
            {userOptions.map((u) => (
              <option key={u.id} value={u.id}>
                {u.email}
              </option>
            ))}
          </select>
        </label>
        <label htmlFor="audit-action" className="flex flex-col gap-1">
          {t("action")}
          <select id="audit-action" name="action" defaultValue={filter.action ?? ""} className={select}>
            <option value="">{t("all")}</option>
            {listAuditActions(db).map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1">
          {t("from")}
          <input type="date" name="from" defaultValue={filter.from ?? ""} className={select} />
        </label>
        <label className="flex flex-col gap-1">
          {t("to")}
          <input type="date" name="to" defaultValue={filter.to ?? ""} className={select} />
        </label>
        <button type="submit" className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50">
          {t("apply")}
        </button>
        <a
          href={`/api/audit?${query}`}
          className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50"
        >
          {t("export")}
        </a>
      </form>
      <Pagination
        page={page}
        label={t("pages")}
        href={(n) => pageHref("/admin/audit", Object.fromEntries(new URLSearchParams(query)), n)}
      />
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="min-w-full text-xs">
          <thead className="bg-slate-50 text-left text-slate-600">
            <tr>
              {[t("at"), t("actor"), t("action"), t("entity"), t("round"), t("city"), t("before"), t("after")].map(
                (h) => (
                  <th key={h} scope="col" className="px-2 py-2 font-medium">
                    {h}
                  </th>
                ),
              )}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 align-top">
            {entries.map(({ entry, actorName, roundName, cityZh, cityEn }) => (
              <tr key={entry.id}>
                <td className="px-2 py-1 whitespace-nowrap">
                  {format.dateTime(entry.at, { dateStyle: "short", timeStyle: "medium" })}
                </td>
                <td className="px-2 py-1">{actorName ?? t("system")}</td>
                <td className="px-2 py-1 font-mono">{entry.action}</td>
                <td className="px-2 py-1">
                  {entry.entityType} {entry.entityId}
                </td>
                <td className="px-2 py-1">{roundName ?? ""}</td>
                <td className="px-2 py-1">{cityZh ? pick(locale, cityZh, cityEn ?? cityZh) : ""}</td>
                <td className="max-w-xs px-2 py-1 font-mono break-all">
                  {entry.before === null ? "" : JSON.stringify(entry.before)}
                </td>
                <td className="max-w-xs px-2 py-1 font-mono break-all">
                  {entry.after === null ? "" : JSON.stringify(entry.after)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
