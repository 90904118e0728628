import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { QueueTable } from "@/components/review/queue-table";
import { Badge } from "@/components/ui/badge";
import { Pagination, pageHref } from "@/components/ui/pagination";
import { listMyCalibrations } from "@/db/calibration";
import { getDb } from "@/db/client";
import { openFlagCounts } from "@/db/plausibility";
import { listAssignments, listReviewQueue } from "@/db/review-queue";
import { requireRole } from "@/lib/auth/session";
import { REGIONS } from "@/lib/domain";
import { pick } from "@/lib/i18n/pick";
import { pageOf } from "@/lib/pagination";
import type { QueueEntry } from "@/lib/review/queue";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("review"))("title") };
}

const SORTS = {
  waiting: (a: QueueEntry, b: QueueEntry) => b.daysWaiting - a.daysWaiting || a.submissionId - b.submissionId,
  newest: (a: QueueEntry, b: QueueEntry) => (b.submittedAt?.getTime() ?? 0) - (a.submittedAt?.getTime() ?? 0),
  city: (a: QueueEntry, b: QueueEntry) => a.cityCode.localeCompare(b.cityCode),
  module: (a: QueueEntry, b: QueueEntry) =>
    a.moduleCode.localeCompare(b.moduleCode) || a.cityCode.localeCompare(b.cityCode),
} as const;

type Search = { module?: string; region?: string; status?: string; sort?: string; page?: string };

/** Submissions per page: at national scale a reviewer's queue can hold thousands. */
const PER_PAGE = 50;

export default async function ReviewQueuePage({ searchParams }: { searchParams: Promise<Search> }) {
  const user = await requireRole("reviewer");
  const search = await searchParams;
  const db = getDb();
  const [t, tr, ts, tc, locale] = [
    await getTranslations("review"),
    await getTranslations("regions"),
    await getTranslations("status"),
    await getTranslations("common"),
    await getLocale(),
  ];
  const all = listReviewQueue(db, user.id);
  const calibrations = listMyCalibrations(db, user.id);
  const tcal = await getTranslations("calibration");
  const assignments = listAssignments(db, user.id);
  const sort = search.sort && search.sort in SORTS ? (search.sort as keyof typeof SORTS) : "waiting";
  const rows = all
    .filter(
      (q) =>
        (!search.module || q.moduleCode === search.module) &&
        (!search.region || q.region === search.region) &&
        (!search.status || q.status === search.status),
    )
    .sort(SORTS[sort]);
  const counts = {
    submitted: all.filter((q) => q.status === "submitted").length,
    in_review: all.filter((q) => q.status === "in_review").length,
  };
  const moduleCodes = [...new Set(assignments.map((a) => a.moduleCode))];
  const page = pageOf(search.page, rows.length, PER_PAGE);
  const filters = { module: search.module, region: search.region, status: search.status, sort: search.sort };
  const shown = rows.slice(page.offset, page.offset + page.size);
  const select = "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm";

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">{t("title")}</h1>
      <ul aria-label={t("counts")} className="flex gap-4 text-sm">
        <li>
          {ts("submitted")}
          {tc("colon")}
          <strong className="tabular-nums">{counts.submitted}</strong>
        </li>
        <li>
          {ts("in_review")}
          {tc("colon")}
          <strong className="tabular-nums">{counts.in_review}</strong>
        </li>
      </ul>
      {calibrations.length > 0 && (
        <section
          id="calibration"
          aria-labelledby="calibration-heading"
          className="space-y-2 rounded-xl border border-violet-200 bg-violet-50/40 p-4 text-sm"
        >
          <h2 id="calibration-heading" className="text-lg font-semibold">
            {tcal("queueHeading")}
          </h2>
          <p className="text-slate-700">{tcal("queueIntro")}</p>
          <ul className="divide-y divide-violet-100">
            {calibrations.map((c) => (
              <li key={c.id} className="flex flex-wrap items-center gap-3 py-1.5">
                <span className="font-medium">
                  {pick(locale, c.cityNameZh, c.cityNameEn)} · {c.moduleCode}{" "}
                  {pick(locale, c.moduleNameZh, c.moduleNameEn)}
                </span>
                <span className="text-slate-600">
                  {tcal("versionStage", {
                    version: c.version,
                    position: c.stagePosition,
                    name: pick(locale, c.stageNameZh, c.stageNameEn),
                  })}
                </span>
                <Badge tone={c.completedAt ? "green" : "amber"}>{tcal(c.completedAt ? "done" : "pending")}</Badge>
                <Link href={`/review/calibration/${c.id}`} className="ml-auto text-brand-700 underline">
                  {tcal(c.completedAt ? "queueView" : "queueOpen")}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}
      <form className="flex flex-wrap items-end gap-3 text-sm" role="search">
        <label className="flex flex-col gap-1">
          {t("module")}
          <select name="module" defaultValue={search.module ?? ""} className={select}>
            <option value="">{t("all")}</option>
            {moduleCodes.map((code) => (
              <option key={code} value={code}>
                {code}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1">
          {t("region")}
          <select name="region" defaultValue={search.region ?? ""} className={select}>
            <option value="">{t("all")}</option>
            {REGIONS.map((r) => (
              <option key={r} value={r}>
                {tr(r)}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1">
          {t("statusColumn")}
          <select name="status" defaultValue={search.status ?? ""} className={select}>
            <option value="">{t("all")}</option>
            <option value="submitted">{ts("submitted")}</option>
            <option value="in_review">{ts("in_review")}</option>
          </select>
        </label>
        <label className="flex flex-col gap-1">
          {t("sort")}
          <select name="sort" defaultValue={sort} className={select}>
            {Object.keys(SORTS).map((key) => (
              <option key={key} value={key}>
                {t(`sorts.${key}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50">
          {t("apply")}
        </button>
      </form>
      <QueueTable
        rows={shown}
        flags={Object.fromEntries(
          openFlagCounts(
            db,
            shown.map((q) => q.submissionId),
          ),
        )}
      />
      <Pagination page={page} label={t("queuePages")} href={(n) => pageHref("/review", filters, n)} />
      <section aria-labelledby="assignments-heading">
        <h2 id="assignments-heading" className="mb-2 text-lg font-semibold">
          {t("assignments")}
        </h2>
        {assignments.length === 0 ? (
          <p className="text-slate-600">{t("noAssignments")}</p>
        ) : (
          <ul className="list-inside list-disc text-slate-700">
            {assignments.map((a) => (
              <li key={`${a.stagePosition}-${a.moduleCode}`}>
                {t("stage", { position: a.stagePosition, name: pick(locale, a.stageNameZh, a.stageNameEn) })} —{" "}
                {a.moduleCode} {pick(locale, a.moduleNameZh, a.moduleNameEn)}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
