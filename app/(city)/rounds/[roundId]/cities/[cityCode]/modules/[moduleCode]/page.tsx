import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { LibraryProvider } from "@/components/questionnaire/library-context";
import { PrefillPanel } from "@/components/questionnaire/prefill-panel";
import { Questionnaire } from "@/components/questionnaire/questionnaire";
import type {
  ClientAdjustment,
  ClientAnswer,
  ClientEvidence,
  ClientIndicator,
  ClientQuery,
  ItemState,
} from "@/components/questionnaire/types";
import { WorkbookImport } from "@/components/questionnaire/workbook-import";
import { StatusBadge } from "@/components/status-badge";
import { assignedItemIds } from "@/db/departments";
import { libraryFor } from "@/db/evidence-library";
import { roundRules } from "@/db/framework";
import { listAdjustmentsInForce, reopenedItemIds } from "@/db/item-decisions";
import { copyRefusal, previousRoundValues } from "@/db/prefill";
import { getReturnNote, listCityTimeline, listQueriesForCity } from "@/db/review-feedback";
import { getRound } from "@/db/rounds";
import { getQuestionnaire } from "@/db/submissions";
import { evidenceMaxBytes } from "@/lib/config/limits";
import { localizeItem } from "@/lib/framework/item";
import { pick, roundName } from "@/lib/i18n/pick";
import { formatPoints } from "@/lib/i18n/points";
import { isAnswered } from "@/lib/questionnaire/answer-schema";
import { formatAnswer, formatScoredValue } from "@/lib/questionnaire/format";
import { valueInForce } from "@/lib/review/value-in-force";
import { scoreItem } from "@/lib/scoring/engine";
import { moduleStatus } from "@/lib/workflow/module-status";
import { decide } from "@/lib/workflow/transitions";
import { type CityRoundParams, loadQuestionnaireRound } from "../../load";

type Params = CityRoundParams & { moduleCode: string };

async function load(params: Promise<Params>) {
  const base = await loadQuestionnaireRound(params);
  const { moduleCode } = await params;
  const full = getQuestionnaire(base.db, base.round.id, base.city.id, moduleCode);
  if (!full) notFound();
  if (base.user.role !== "department_staff") return { ...base, questionnaire: full, department: false };
  // A department user sees only the items the city's lead assigned to them; a module without one is not theirs.
  const mine = assignedItemIds(base.db, base.user.id, base.round.id);
  const indicators = full.indicators
    .map((i) => ({ ...i, items: i.items.filter((item) => mine.has(item.id)) }))
    .filter((i) => i.items.length > 0);
  if (!indicators.length) notFound();
  const questionnaire = {
    ...full,
    indicators,
    answers: full.answers.filter((a) => mine.has(a.itemId)),
    evidence: full.evidence.filter((e) => mine.has(e.itemId)),
  };
  return { ...base, questionnaire, department: true };
}

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  const { questionnaire, city } = await load(params);
  const locale = await getLocale();
  return {
    title: `${pick(locale, questionnaire.module.nameZh, questionnaire.module.nameEn)} · ${pick(locale, city.nameZh, city.nameEn)}`,
  };
}

export default async function QuestionnairePage({ params }: { params: Promise<Params> }) {
  const { db, user, city, round, questionnaire, department } = await load(params);
  const [t, tr, tl, tf, locale, format] = [
    await getTranslations("questionnaire"),
    await getTranslations("review"),
    await getTranslations("library"),
    await getTranslations("submissionForm"),
    await getLocale(),
    await getFormatter(),
  ];
  const { module: mod, submission } = questionnaire;
  const status = moduleStatus(submission);
  const editable = decide("edit", {
    role: user.role,
    state: submission?.status ?? "draft",
    roundStatus: round.status,
  }).ok;

  const library = libraryFor(db, user, round.id, city.id).map(({ id, sha256, originalName, size, mime }) => ({
    id,
    sha256,
    originalName,
    size,
    mime,
  }));
  const labels = { yes: t("yes"), no: t("no"), empty: t("empty"), notApplicable: t("notApplicable") };
  const items = questionnaire.indicators.flatMap((i) => i.items);
  const answersById: Record<number, ClientAnswer> = {};
  for (const a of questionnaire.answers) answersById[a.itemId] = { ...a, updatedAt: a.updatedAt.toISOString() };
  const evidenceById: Record<number, ClientEvidence[]> = {};
  for (const e of questionnaire.evidence)
    (evidenceById[e.itemId] ??= []).push({ ...e, uploadedAt: e.uploadedAt.toISOString() });

  const returned = submission?.status === "returned";
  const shown = new Set(items.map((i) => i.id));
  const queryRows = (submission ? listQueriesForCity(db, submission.id) : []).filter((q) => shown.has(q.itemId));
  const queries: Record<number, ClientQuery[]> = {};
  for (const q of queryRows) (queries[q.itemId] ??= []).push(q);
  const editableItemIds =
    returned && submission
      ? [...reopenedItemIds(db, submission.id, submission.version)].filter((id) => shown.has(id))
      : null;
  // Starting from last round: its values for the empty items, and the copied values still to check.
  const last = previousRoundValues(db, round.id, city.id);
  const previous = last && {
    sourceName: roundName(locale, getRound(db, last.sourceRoundId)!),
    // What copying would copy: empty items the city can change now, whose value last round it still accepts.
    available: items.flatMap((item) => {
      const previousValue = last.values.get(item.code);
      const answer = questionnaire.answers.find((a) => a.itemId === item.id);
      if (!previousValue || isAnswered(answer) || (editableItemIds && !editableItemIds.includes(item.id))) return [];
      if (copyRefusal(item, previousValue)) return [];
      const display = formatAnswer(item, { value: previousValue.value, notApplicableReason: null }, locale, labels);
      return [{ itemId: item.id, code: item.code, name: pick(locale, item.nameZh, item.nameEn), value: display }];
    }),
    toConfirm: questionnaire.answers.flatMap((a) => {
      const item = items.find((i) => i.id === a.itemId);
      if (!a.prefilledFromRoundId || !item) return [];
      const display = formatAnswer(item, a, locale, labels);
      return [{ itemId: item.id, code: item.code, name: pick(locale, item.nameZh, item.nameEn), value: display }];
    }),
  };
  const returnNote = returned && submission ? getReturnNote(db, submission.id) : null;
  const inForce = new Map(
    (submission ? listAdjustmentsInForce(db, { submissionIds: [submission.id] }) : []).map((a) => [a.itemId, a]),
  );
  const adjustments: Record<number, ClientAdjustment> = {};
  const timeline = submission ? listCityTimeline(db, submission.id) : [];

  const states: Record<string, ItemState> = {};
  const indicators: ClientIndicator[] = questionnaire.indicators.map((ind) => ({
    code: ind.code,
    name: pick(locale, ind.indicator.nameZh, ind.indicator.nameEn),
    maxPoints: ind.maxPoints,
    items: ind.items.map((item) => {
      const answer = answersById[item.id];
      const adjustment = inForce.get(item.id);
      if (adjustment) {
        adjustments[item.id] = {
          value: adjustment.adjustedValue,
          display: formatScoredValue(item, adjustment.adjustedValue, null, locale, labels, (j) => tr(`judgement.${j}`)),
          reason: adjustment.comment,
          stageName: pick(locale, adjustment.stageNameZh, adjustment.stageNameEn),
          decidedAt: adjustment.decidedAt.toISOString(),
          carriedFromVersion: adjustment.carriedFromVersion,
        };
      }
      states[item.code] = {
        value: answer?.notApplicableReason ? null : (answer?.value ?? null),
        answered: isAnswered(answer),
        notApplicable: !!answer?.notApplicableReason,
        points: scoreItem(item, valueInForce(item, answer, adjustment)),
        evidenceCount: evidenceById[item.id]?.length ?? 0,
        unsaved: false,
      };
      return localizeItem(item, locale);
    }),
  }));

  return (
    <div className="space-y-6">
      <nav aria-label={t("breadcrumb")} className="text-sm">
        <Link href={`/rounds/${round.id}/cities/${city.code}`} className="text-brand-700 hover:underline">
          ← {pick(locale, city.nameZh, city.nameEn)} · {t("backToDashboard")}
        </Link>
      </nav>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold">
          <span className="mr-2 text-slate-400">{mod.code}</span>
          {pick(locale, mod.nameZh, mod.nameEn)}
        </h1>
        <StatusBadge status={status} />
        {submission && submission.version > 0 && (
          <>
            <span className="text-sm text-slate-500">{t("version", { version: submission.version })}</span>
            {!department && (
              <Link
                href={`/rounds/${round.id}/cities/${city.code}/modules/${mod.code}/versions/${submission.version}`}
                className="text-sm text-brand-700 underline"
              >
                {tf("formLink", { version: submission.version })}
              </Link>
            )}
          </>
        )}
        <span className="text-sm text-slate-500">
          {t("maxPoints", { points: formatPoints(mod.maxPoints, locale) })}
        </span>
      </div>
      {department && (
        <p role="note" className="rounded-md border border-sky-200 bg-sky-50 px-4 py-3 text-sm text-sky-900">
          {t("departmentNote", { count: items.length })}
        </p>
      )}
      {editable && !department && (
        <p className="text-sm">
          <Link href={`/rounds/${round.id}/cities/${city.code}/library`} className="text-brand-700 underline">
            {tl("link")}
          </Link>
          <span className="ml-2 text-slate-500">{tl("linkHint")}</span>
        </p>
      )}
      {round.submissionDeadline && (
        <p className="text-sm text-slate-600">
          {t("deadline", {
            deadline: format.dateTime(round.submissionDeadline, { dateStyle: "long", timeStyle: "short" }),
          })}
        </p>
      )}
      {returned && editable && (
        <div role="status" className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          <p>
            {t(department ? "returnedBannerDepartment" : "returnedBanner", { count: editableItemIds?.length ?? 0 })}
          </p>
          {returnNote && (
            <p className="mt-1">
              {t("returnNote", {
                stage: pick(locale, returnNote.stageNameZh, returnNote.stageNameEn),
                date: format.dateTime(returnNote.at, { dateStyle: "long" }),
              })}
              {returnNote.comment ? t("returnComment", { comment: returnNote.comment }) : t("returnNoComment")}
            </p>
          )}
        </div>
      )}
      {!editable && (
        <p role="status" className="rounded-md border border-slate-200 bg-slate-100 px-4 py-3 text-sm text-slate-700">
          {user.role === "admin"
            ? t("readOnlyAdmin")
            : round.status !== "open"
              ? t("readOnlyRound")
              : t("readOnlySubmitted")}
        </p>
      )}
      {editable && previous && (
        <PrefillPanel
          roundId={round.id}
          moduleCode={mod.code}
          source={previous.sourceName}
          available={previous.available}
          toConfirm={previous.toConfirm}
        />
      )}
      {editable && user.role === "city_staff" && <WorkbookImport roundId={round.id} moduleCode={mod.code} />}
      <LibraryProvider initial={library}>
        <Questionnaire
          roundId={round.id}
          moduleCode={mod.code}
          moduleMaxPoints={mod.maxPoints}
          indicators={indicators}
          answers={answersById}
          evidence={evidenceById}
          initialStates={states}
          editable={editable}
          maySubmit={editable && user.role === "city_staff"}
          editableItemIds={editableItemIds}
          rules={roundRules(db, round.id, mod.code)}
          queries={queries}
          adjustments={adjustments}
          status={status}
          version={submission?.version ?? 0}
          returned={returned}
          evidenceMaxMb={Math.round(evidenceMaxBytes() / 1024 / 1024)}
        />
      </LibraryProvider>
      {timeline.length > 0 && (
        <section
          aria-labelledby="city-timeline-heading"
          className="rounded-xl border border-slate-200 bg-white p-4 text-sm shadow-sm"
        >
          <h2 id="city-timeline-heading" className="mb-2 font-semibold">
            {t("timeline")}
          </h2>
          <ol className="space-y-1.5">
            {timeline.map((e, i) => (
              <li key={i}>
                <time className="mr-2 text-xs text-slate-500" dateTime={e.at.toISOString()}>
                  {format.dateTime(e.at, { dateStyle: "medium", timeStyle: "short" })}
                </time>
                {e.kind === "submitted"
                  ? t("timelineSubmitted", { version: e.version, name: e.byName ?? "" })
                  : t(e.kind === "approved" ? "timelineApproved" : "timelineReturned", {
                      version: e.version,
                      stage: pick(locale, e.stageNameZh ?? "", e.stageNameEn ?? ""),
                    })}
                {e.comment && (
                  <span className="block pl-4 text-slate-700">{t("timelineComment", { comment: e.comment })}</span>
                )}
              </li>
            ))}
          </ol>
        </section>
      )}
    </div>
  );
}
