import type { Metadata } from "next";
import Link from "next/link";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { AssignmentCell } from "@/components/admin/assignment-cell";
import { ParticipationForm } from "@/components/admin/city-admin";
import { FrameworkFile } from "@/components/admin/framework-file";
import { ReminderPanel } from "@/components/admin/reminder-panel";
import { FinalisePanel, ReopenRoundForm } from "@/components/admin/round-control";
import { RoundSettingsForm } from "@/components/admin/round-settings";
import { AssignAppeal } from "@/components/appeals/assign-appeal";
import { StatusBadge } from "@/components/status-badge";
import { Badge } from "@/components/ui/badge";
import { Pagination, pageHref } from "@/components/ui/pagination";
import { listAppealsForRound } from "@/db/appeal-lists";
import { listActiveReviewers, listRoundAssignments, listStages } from "@/db/assignments";
import { listCities } from "@/db/cities";
import { getDb } from "@/db/client";
import { listBlockers } from "@/db/finalise";
import { listReminders } from "@/db/reminders";
import { getRoundMatrix } from "@/db/round-overview";
import { listModules } from "@/db/rounds";
import { latestFinalisation } from "@/db/signatures";
import { ownPublicKey } from "@/lib/config/signing-key";
import { CITY_TIERS, MODULE_STATUSES, REGIONS } from "@/lib/domain";
import { pick, roundName } from "@/lib/i18n/pick";
import { pageOf } from "@/lib/pagination";
import { DEFAULT_PLAUSIBILITY } from "@/lib/review/plausibility";
import { toCstDate } from "@/lib/rounds/settings-schema";
import { mailConfigured } from "@/lib/server/mailer";
import { fingerprint } from "@/lib/signing/signature";
import { isWithCity } from "@/lib/workflow/module-status";
import { roundAllows } from "@/lib/workflow/round-lifecycle";
import { isPastDeadline } from "@/lib/workflow/transitions";
import { adminRound } from "./admin-round";
import { CalibrationSection } from "./calibration-section";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  return { title: (await adminRound(params)).name };
}

type Search = { status?: string; region?: string; tier?: string; page?: string };

/** Cities per page of the matrix, and blockers listed for marking at once: a national round has thousands. */
const CITIES_PER_PAGE = 100;
const BLOCKERS_SHOWN = 200;

export default async function RoundPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Search>;
}) {
  const round = await adminRound(params);
  const search = await searchParams;
  const db = getDb();
  const signed = round.status === "finalised" ? latestFinalisation(db, round.id) : null;
  const [t, tc, ts, tr, tt, tRound, tRounds, locale, format] = [
    await getTranslations("assignments"),
    await getTranslations("control"),
    await getTranslations("status"),
    await getTranslations("regions"),
    await getTranslations("tiers"),
    await getTranslations("roundStatus"),
    await getTranslations("rounds"),
    await getLocale(),
    await getFormatter(),
  ];
  const modules = listModules(db, round.id);
  const stages = listStages(db, round.id);
  const assignments = listRoundAssignments(db, round.id);
  const reviewers = listActiveReviewers(db);
  const appeals = listAppealsForRound(db, round.id);
  const tAppeals = await getTranslations("appeals");
  const matrix = getRoundMatrix(db, round.id);
  const { statusOf } = matrix;
  const counts: Record<string, number> = {};
  for (const city of matrix.cities)
    for (const m of modules) counts[statusOf(city.id, m.id)] = (counts[statusOf(city.id, m.id)] ?? 0) + 1;
  const overdue = round.status === "open" && isPastDeadline(round.submissionDeadline);
  const rows = matrix.cities.filter(
    (c) =>
      (!search.region || c.region === search.region) &&
      (!search.tier || c.tier === search.tier) &&
      (!search.status || modules.some((m) => statusOf(c.id, m.id) === search.status)),
  );
  const page = pageOf(search.page, rows.length, CITIES_PER_PAGE);
  const shownRows = rows.slice(page.offset, page.offset + page.size);
  const filters = { status: search.status, region: search.region, tier: search.tier };
  const blockers = roundAllows("finalise", round.status) ? listBlockers(db, round.id) : [];
  const select = "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm";
  return (
    <div className="space-y-6">
      <nav className="text-sm">
        <Link href="/admin" className="text-brand-700 hover:underline">
          ← {t("back")}
        </Link>
      </nav>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold">{roundName(locale, round)}</h1>
        <Badge tone={round.status === "open" ? "green" : round.status === "finalised" ? "violet" : "slate"}>
          {tRound(round.status)}
        </Badge>
      </div>
      {roundAllows("edit_settings", round.status) && (
        <RoundSettingsForm
          canOpen={roundAllows("open", round.status)}
          defaults={{
            roundId: round.id,
            name: round.name,
            nameEn: round.nameEn ?? "",
            year: round.year,
            dataCutoffDate: round.dataCutoffDate ?? "",
            submissionDeadline: toCstDate(round.submissionDeadline),
            reviewDeadline: toCstDate(round.reviewDeadline),
            preliminaryResults: round.preliminaryResults,
            appealDeadline: toCstDate(round.appealDeadline),
            reminderDaysBefore: round.reminderDaysBefore ?? "",
            ...plausibilityDefaults(round.plausibility),
          }}
        />
      )}
      <p>
        <Link
          href={`/admin/rounds/${round.id}/framework`}
          className="inline-flex rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700"
        >
          {tRounds(roundAllows("edit_framework", round.status) ? "editFramework" : "viewFramework")}
        </Link>
      </p>
      <FrameworkFile roundId={round.id} editable={roundAllows("edit_framework", round.status)} />
      {roundAllows("set_participation", round.status) && (
        <ParticipationForm
          roundId={round.id}
          // A made-up city already taking part stays listed, so that saving the form does not drop it unseen.
          cities={listCities(db, { includeSynthetic: true })
            .filter((c) => !c.synthetic || matrix.cities.some((p) => p.id === c.id))
            .map((c) => ({ id: c.id, name: pick(locale, c.nameZh, c.nameEn) }))}
          selected={matrix.cities.map((c) => c.id)}
        />
      )}
      {round.status === "finalised" && round.digest && (
        <p className="text-sm text-slate-700">
          {tc("finalisedAt", {
            at: round.finalisedAt ? format.dateTime(round.finalisedAt, { dateStyle: "long", timeStyle: "short" }) : "",
          })}{" "}
          <span className="font-mono text-xs break-all" data-testid="digest">
            SHA-256 {round.digest}
          </span>
          {signed && (
            <>
              <br />
              {tc("signedWith")} <span className="font-mono text-xs break-all">{fingerprint(ownPublicKey())}</span>
              {" · "}
              {tc("verifyHint", { id: round.id })}
            </>
          )}
        </p>
      )}
      <ul aria-label={tc("counts")} className="flex flex-wrap gap-3 text-sm">
        {MODULE_STATUSES.map((s) => (
          <li key={s} className="flex items-center gap-1.5">
            <StatusBadge status={s} />
            <span className="font-medium tabular-nums">{counts[s] ?? 0}</span>
          </li>
        ))}
      </ul>
      {roundAllows("finalise", round.status) && (
        <FinalisePanel
          roundId={round.id}
          blockerCount={blockers.length}
          blockers={blockers.slice(0, BLOCKERS_SHOWN).map((b) => ({
            cityId: b.cityId,
            moduleId: modules.find((m) => m.code === b.moduleCode)!.id,
            label: `${pick(locale, b.cityNameZh, b.cityNameEn)} · ${b.moduleCode} · ${ts(b.status)}`,
          }))}
          summary={{
            cities: matrix.cities.length,
            verified: counts.verified ?? 0,
            notSubmitted: counts.not_submitted ?? 0,
            deadlinesAhead: [
              ["submissionDeadlineAhead", round.submissionDeadline] as const,
              ["reviewDeadlineAhead", round.reviewDeadline] as const,
              ["appealDeadlineAhead", round.preliminaryResults ? round.appealDeadline : null] as const,
            ]
              .filter(([, deadline]) => deadline && !isPastDeadline(deadline))
              .map(([key, deadline]) =>
                tc(key, { deadline: format.dateTime(deadline!, { dateStyle: "long", timeStyle: "short" }) }),
              ),
          }}
        />
      )}
      {roundAllows("reopen", round.status) && <ReopenRoundForm roundId={round.id} />}
      {round.status === "open" && <RemindersSection round={round} />}
      {appeals.length > 0 && (
        <section
          aria-labelledby="appeals-heading"
          className="space-y-2 rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
        >
          <h2 id="appeals-heading" className="text-lg font-semibold">
            {tAppeals("roundTitle", {
              open: appeals.filter((a) => a.appeal.status === "open").length,
              total: appeals.length,
            })}
          </h2>
          <ul className="divide-y divide-slate-100 text-sm">
            {appeals.map(({ appeal, itemCode, cityNameZh, cityNameEn }) => {
              const label = `${pick(locale, cityNameZh, cityNameEn)} · ${itemCode}`;
              return (
                <li key={appeal.id} className="flex flex-wrap items-center gap-3 py-2">
                  <span className="font-medium">{label}</span>
                  <span>{tAppeals(`status.${appeal.status}`)}</span>
                  <span className="text-slate-600">{appeal.reason}</span>
                  {appeal.status === "open" && roundAllows("assign_appeal", round.status) && (
                    <AssignAppeal
                      appealId={appeal.id}
                      label={label}
                      reviewers={reviewers}
                      assignedTo={appeal.assignedTo}
                    />
                  )}
                </li>
              );
            })}
          </ul>
        </section>
      )}
      <CalibrationSection round={round} />
      <section aria-labelledby="matrix-heading" className="space-y-3">
        <h2 id="matrix-heading" className="text-lg font-semibold">
          {tc("matrix")}
        </h2>
        <form className="flex flex-wrap items-end gap-3 text-sm" role="search">
          <label className="flex flex-col gap-1">
            {tc("status")}
            <select name="status" defaultValue={search.status ?? ""} className={select}>
              <option value="">{tc("all")}</option>
              {MODULE_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {ts(s)}
                </option>
              ))}
            </select>
          </label>
          <label className="flex flex-col gap-1">
            {tc("region")}
            <select name="region" defaultValue={search.region ?? ""} className={select}>
              <option value="">{tc("all")}</option>
              {REGIONS.map((r) => (
                <option key={r} value={r}>
                  {tr(r)}
                </option>
              ))}
            </select>
          </label>
          <label className="flex flex-col gap-1">
            {tc("tier")}
            <select name="tier" defaultValue={search.tier ?? ""} className={select}>
              <option value="">{tc("all")}</option>
              {CITY_TIERS.map((r) => (
                <option key={r} value={r}>
                  {tt(r)}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50">
            {tc("apply")}
          </button>
        </form>
        <div className="max-h-[32rem] overflow-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full text-sm">
            <thead className="sticky top-0 bg-slate-50 text-left text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">
                  {tc("city")}
                </th>
                {modules.map((m) => (
                  <th key={m.id} scope="col" className="px-3 py-2 font-medium">
                    {m.code} {pick(locale, m.nameZh, m.nameEn)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {shownRows.map((c) => (
                <tr key={c.id}>
                  <th scope="row" className="px-3 py-1.5 text-left font-medium">
                    <Link href={`/rounds/${round.id}/cities/${c.code}`} className="hover:underline">
                      {pick(locale, c.nameZh, c.nameEn)}
                    </Link>
                    <span className="ml-2 text-xs text-slate-500">
                      {tr(c.region)} · {tt(c.tier)}
                    </span>
                  </th>
                  {modules.map((m) => {
                    const status = statusOf(c.id, m.id);
                    return (
                      <td key={m.id} className="px-3 py-1.5">
                        <StatusBadge status={status} />
                        {overdue && isWithCity(status) && (
                          <span className="ml-1 text-xs font-medium text-red-700">{tc("overdue")}</span>
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <Pagination
          page={page}
          label={tc("matrixPages")}
          href={(n) => pageHref(`/admin/rounds/${round.id}`, filters, n)}
        />
      </section>
      <section aria-labelledby="assignments-heading" className="space-y-3">
        <h2 id="assignments-heading" className="text-lg font-semibold">
          {t("title")}
        </h2>
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full text-sm">
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">
                  {t("module")}
                </th>
                {stages.map((s) => (
                  <th key={s.id} scope="col" className="px-3 py-2 font-medium">
                    {t("stage", { position: s.position, name: pick(locale, s.nameZh, s.nameEn) })}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {modules.map((m) => (
                <tr key={m.id} className="align-top">
                  <th scope="row" className="px-3 py-2 text-left font-medium">
                    {m.code} {pick(locale, m.nameZh, m.nameEn)}
                  </th>
                  {stages.map((s) => (
                    <td key={s.id} className="px-3 py-2">
                      <AssignmentCell
                        roundId={round.id}
                        moduleId={m.id}
                        stageId={s.id}
                        label={`${m.code} · ${pick(locale, s.nameZh, s.nameEn)}`}
                        assigned={assignments.filter((a) => a.moduleId === m.id && a.stageId === s.id)}
                        reviewers={reviewers}
                      />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}

/** The plausibility thresholds as the settings form shows them (percentages for the changes on last round). */
function plausibilityDefaults(stored: Partial<typeof DEFAULT_PLAUSIBILITY> | null) {
  const p = { ...DEFAULT_PLAUSIBILITY, ...(stored ?? {}) };
  const pct = (x: number) => Math.round(x * 100_000) / 1000; // 0.57 → 57, not 56.99999999999999
  return { zThreshold: p.zThreshold, minPeers: p.minPeers, yoyRisePct: pct(p.yoyRise), yoyFallPct: pct(p.yoyFall) };
}

/** 催报: who is reminded of the submission deadline, by hand (after a preview) or automatically, and the record. */
async function RemindersSection({ round }: { round: Awaited<ReturnType<typeof adminRound>> }) {
  const [t, locale, format] = [await getTranslations("reminders"), await getLocale(), await getFormatter()];
  const email = mailConfigured();
  const history = listReminders(getDb(), round.id);
  const deadline = round.submissionDeadline;
  return (
    <section
      aria-labelledby="reminders-heading"
      className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 text-sm shadow-sm"
    >
      <h2 id="reminders-heading" className="text-lg font-semibold">
        {t("heading")}
      </h2>
      <p className="text-slate-600">{t(email ? "introEmail" : "introApp")}</p>
      <p className="text-slate-600">
        {round.reminderDaysBefore ? t("automatic", { days: round.reminderDaysBefore }) : t("automaticOff")}
      </p>
      {!deadline ? (
        <p role="status" className="text-amber-800">
          {t("noDeadline")}
        </p>
      ) : isPastDeadline(deadline) ? (
        <p role="status" className="text-slate-700">
          {t("deadlinePassed")}
        </p>
      ) : (
        <ReminderPanel roundId={round.id} email={email} />
      )}
      <h3 className="pt-2 font-semibold">{t("history")}</h3>
      {history.length === 0 ? (
        <p className="text-slate-600">{t("historyEmpty")}</p>
      ) : (
        <ul className="max-h-72 divide-y divide-slate-100 overflow-auto" aria-label={t("history")}>
          {history.map((r) => (
            <li key={r.id} className="py-1.5">
              {t("historyRow", {
                at: format.dateTime(r.sentAt, { dateStyle: "medium", timeStyle: "short" }),
                city: pick(locale, r.cityNameZh, r.cityNameEn),
                kind: t(`kind.${r.kind}`),
                modules: r.moduleCodes.join(" "),
                recipients: r.recipients.join(", "),
              })}{" "}
              <span className={r.emailStatus === "failed" ? "text-red-700" : "text-slate-500"}>
                · {t(`emailStatus.${r.emailStatus}`, { attempts: r.emailAttempts })}
                {r.emailError ? `（${r.emailError}）` : ""}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
