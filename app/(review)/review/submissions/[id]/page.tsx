import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { cache } from "react";
import { DecisionBar } from "@/components/review/decision-bar";
import { ReviewItemCard } from "@/components/review/item-card";
import { ItemDecision } from "@/components/review/item-decision";
import { PlausibilityFlag } from "@/components/review/plausibility-flag";
import { ReopenForm } from "@/components/review/reopen-form";
import { StatusBadge } from "@/components/status-badge";
import { reviewerAssignments } from "@/db/assignments";
import { getDb } from "@/db/client";
import { sameFilesElsewhere } from "@/db/evidence-library";
import { submissionFlags } from "@/db/plausibility";
import { askedTheSameWay, previousRoundValues } from "@/db/prefill";
import { getReviewData } from "@/db/review-screen";
import { isAdmin, maySeeFlags, maySeeOtherCitiesFiles } from "@/lib/auth/policy";
import { requireRole } from "@/lib/auth/session";
import { localizeItem } from "@/lib/framework/item";
import { pick } from "@/lib/i18n/pick";
import { formatPoints } from "@/lib/i18n/points";
import { formatAnswer, formatScoredValue } from "@/lib/questionnaire/format";
import { groupedHash, versionFingerprint } from "@/lib/questionnaire/snapshot-hash";
import { isAdjustable } from "@/lib/review/decision-schema";
import { adjustmentInForce, diffVersions, isChanged, valueInForce } from "@/lib/review/value-in-force";
import { scoreItem } from "@/lib/scoring/engine";
import { isInlinePreviewable } from "@/lib/storage/file-kinds";
import { decide } from "@/lib/workflow/transitions";

type Params = { id: string };

// Once per request, although generateMetadata and the page both ask (React cache, keyed by the route's ids).
const loadFor = cache(async (id: string) => {
  const user = await requireRole("reviewer", "admin");
  const db = getDb();
  const submissionId = /^\d+$/.test(id) ? Number(id) : 0;
  const data = submissionId ? getReviewData(db, user, submissionId) : null;
  if (!data) notFound();
  return { db, user, data };
});

async function load(params: Promise<Params>) {
  const { id } = await params;
  return loadFor(id);
}

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  const { data } = await load(params);
  const locale = await getLocale();
  return {
    title: `${pick(locale, data.city.nameZh, data.city.nameEn)} · ${pick(locale, data.module.nameZh, data.module.nameEn)}`,
  };
}

export default async function ReviewSubmissionPage({
  params,
  searchParams,
}: {
  params: Promise<Params>;
  searchParams: Promise<{ changed?: string }>;
}) {
  const { db, user, data } = await load(params);
  const onlyChanged = (await searchParams).changed === "1";
  const [t, tq, tf, locale, format] = [
    await getTranslations("review"),
    await getTranslations("questionnaire"),
    await getTranslations("submissionForm"),
    await getLocale(),
    await getFormatter(),
  ];
  const { sub, stage, shape } = data;
  const canAct = user.role === "reviewer" && decide("review_item", data.workflow).ok;
  const labels = { yes: tq("yes"), no: tq("no"), empty: tq("empty"), notApplicable: tq("notApplicable") };
  const items = shape?.indicators.flatMap((i) => i.items) ?? [];
  const current = data.versions.find((v) => v.version === sub.version);
  const previous = data.versions.find((v) => v.version === sub.version - 1);
  const diff =
    current && previous
      ? diffVersions(
          previous.snapshot,
          current.snapshot,
          items.map((i) => i.code),
        )
      : [];
  const files = data.evidenceRows;
  // Each file once, with the items it supports (the same bulletin often backs several), and whether another city
  // of the round submitted the very same file.
  const byContent = new Map<string, { id: number; name: string; codes: string[] }>();
  for (const f of files) {
    if (f.kind !== "file" || !f.sha256) continue;
    const code = items.find((i) => i.id === f.itemId)?.code ?? "";
    const seen = byContent.get(f.sha256);
    if (seen) seen.codes.push(code);
    else byContent.set(f.sha256, { id: f.id, name: f.originalName ?? "", codes: [code] });
  }
  const elsewhere = maySeeOtherCitiesFiles(user)
    ? sameFilesElsewhere(db, sub.roundId, sub.cityId, [...byContent.keys()])
    : new Map<string, { cityId: number; nameZh: string; nameEn: string }[]>();
  // The city's verified values of the round this one was cloned from: the year-over-year change of each value.
  const lastRound = previousRoundValues(db, sub.roundId, sub.cityId);
  const otherCities = (sha256: string | null) =>
    (sha256 &&
      elsewhere
        .get(sha256)
        ?.map((c) => pick(locale, c.nameZh, c.nameEn))
        .join("、")) ||
    null;
  // Plausibility flags of the version under review, worded with their numbers, each with a drafted query.
  const tflags = await getTranslations("review.flags");
  const seesFlags = maySeeFlags(user, sub, reviewerAssignments(db, user));
  const plausibility = seesFlags ? submissionFlags(db, sub.id) : { flags: [], dismissed: [], peerGroup: null };
  const num = (x: number) => format.number(x, { maximumFractionDigits: 2 });
  const flagText = (flag: (typeof plausibility.flags)[number]) => {
    if (flag.kind === "previous")
      return tflags(flag.change >= 0 ? "previousRise" : "previousFall", {
        pct: num(Math.abs(flag.change) * 100),
        previous: num(flag.previous),
      });
    const peers = { median: num(flag.median), peers: flag.peers, min: num(flag.min), max: num(flag.max) };
    if (flag.ratio === null) return tflags("peerZeroMedian", { ...peers, value: num(flag.value) });
    return flag.value >= flag.median
      ? tflags("peerHigh", { ...peers, times: num(flag.ratio) })
      : tflags("peerLow", { ...peers, pct: num((1 - flag.ratio) * 100) });
  };
  // The query the city reads names its own figures only: the peers' median and range are other cities' data.
  const draftOf = (flag: (typeof plausibility.flags)[number], item: string, value: string) =>
    flag.kind === "peer"
      ? tflags("draftPeer", { item, value, direction: flag.value >= flag.median ? "high" : "low" })
      : tflags("draft", { item, value, explanation: flagText(flag) });
  const queriesNow = data.itemReviewRows.filter(
    (r) => r.review.version === sub.version && r.review.stageId === stage?.id && r.review.action === "query",
  ).length;
  let total = 0;

  /** The change of a number since last round, as a percentage ("" when either is not a number, or last was 0). */
  const yearOverYear = (before: unknown, now: unknown) =>
    typeof before === "number" && typeof now === "number" && before !== 0
      ? t("change", {
          change: format.number((now - before) / Math.abs(before), {
            style: "percent",
            maximumFractionDigits: 1,
            signDisplay: "exceptZero",
          }),
        })
      : "";
  const cards = items.map((item) => {
    const answer = data.answerRows.find((a) => a.itemId === item.id);
    const reviewsOfItem = data.itemReviewRows.filter((r) => r.review.itemId === item.id);
    const adjustments = reviewsOfItem.filter((r) => r.review.version === sub.version && r.review.action === "adjust");
    const inForce = adjustmentInForce(
      adjustments.map((r) => ({ ...r, action: r.review.action, adjustedValue: r.review.adjustedValue })),
    );
    const points = scoreItem(item, valueInForce(item, answer, inForce));
    total += points;
    const mine = reviewsOfItem.find((r) => r.review.version === sub.version && r.review.stageId === stage?.id);
    const itemDiff = diff.find((d) => d.itemCode === item.code);
    const changed = !!itemDiff && isChanged(itemDiff);
    const carried = reviewsOfItem.filter(
      (r) => r.review.version === sub.version && r.review.carriedFromVersion !== null && r.review.action !== "adjust",
    );
    return {
      item,
      answer,
      points,
      adjustments,
      carried,
      mine,
      history: reviewsOfItem.filter((r) => r.review.version !== sub.version),
      itemDiff,
      changed,
    };
  });
  const shown = onlyChanged ? cards.filter((c) => c.changed) : cards;
  const needsDecision = data.needsDecision;
  const mod = data.module;

  return (
    <div className="space-y-6">
      <nav className="text-sm">
        <Link href={user.role === "admin" ? "/admin" : "/review"} className="text-brand-700 hover:underline">
          ← {user.role === "admin" ? t("backAdmin") : t("title")}
        </Link>
      </nav>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold">
          {pick(locale, data.city.nameZh, data.city.nameEn)} · {mod.code} {pick(locale, mod.nameZh, mod.nameEn)}
        </h1>
        <StatusBadge status={sub.status} />
        <span className="text-sm text-slate-600">{tq("version", { version: sub.version })}</span>
        {current && (
          <span
            className="font-mono text-xs text-slate-500"
            title={tf("fingerprint")}
            data-testid="version-fingerprint"
          >
            {tf("fingerprint")}{" "}
            {groupedHash(
              versionFingerprint({
                roundId: sub.roundId,
                cityId: sub.cityId,
                moduleCode: data.module.code,
                version: current.version,
                submittedBy: current.submittedBy,
                submittedAt: current.createdAt,
                snapshot: current.snapshot,
              }),
            ).slice(0, 17)}
            …
          </span>
        )}
        {stage && sub.status !== "verified" && (
          <span className="text-sm text-slate-600">
            {t("stage", { position: stage.position, name: pick(locale, stage.nameZh, stage.nameEn) })}
          </span>
        )}
        <span className="ml-auto text-lg font-semibold tabular-nums" data-testid="review-points">
          {tq("pointsOf", { points: formatPoints(total, locale), max: formatPoints(mod.maxPoints, locale) })}
        </span>
      </div>
      {previous && (
        <div className="flex flex-wrap items-center gap-3 rounded-md border border-blue-200 bg-blue-50 px-4 py-2 text-sm text-blue-900">
          <span>{t("resubmitted", { previous: previous.version, changed: diff.filter(isChanged).length })}</span>
          <Link href={onlyChanged ? "?" : "?changed=1"} className="ml-auto underline">
            {onlyChanged ? t("showAll") : t("showChanged")}
          </Link>
        </div>
      )}
      <div className="grid gap-6 lg:grid-cols-[1fr_18rem]">
        <div className="space-y-4">
          {shown.map(({ item, answer, points, adjustments, carried, mine, history, itemDiff, changed }) => {
            const name = pick(locale, item.nameZh, item.nameEn);
            const itemFiles = files.filter((f) => f.itemId === item.id);
            return (
              <ReviewItemCard
                key={item.id}
                code={item.code}
                name={name}
                badges={
                  <>
                    {changed && (
                      <span className="rounded-full bg-blue-100 px-2 py-0.5 text-xs text-blue-800">{t("changed")}</span>
                    )}
                    {canAct && needsDecision.includes(item.code) && (
                      <span className="rounded-full bg-red-100 px-2 py-0.5 text-xs text-red-800">
                        {t("needsDecision")}
                      </span>
                    )}
                    {mine && (
                      <span
                        className="rounded-full bg-slate-100 px-2 py-0.5 text-xs"
                        data-testid={`decision-${item.code}`}
                      >
                        {t(`decided.${mine.review.action}`)}
                      </span>
                    )}
                    <span
                      className="ml-auto text-sm tabular-nums text-slate-600"
                      data-testid={`review-points-${item.code}`}
                    >
                      {tq("provisionalPoints", {
                        points: formatPoints(points, locale),
                        max: formatPoints(item.maxPoints, locale),
                      })}
                    </span>
                  </>
                }
              >
                <dl className="mt-2 grid gap-1 text-sm">
                  <div className="flex gap-2">
                    <dt className="text-slate-500">{t("cityAnswer")}</dt>
                    <dd data-testid={`answer-${item.code}`}>
                      {formatAnswer(item, answer ?? { value: null, notApplicableReason: null }, locale, labels)}
                    </dd>
                  </div>
                  {lastRound?.values.has(item.code) && (
                    <div className="flex gap-2 text-slate-600" data-testid={`previous-${item.code}`}>
                      <dt>{t("previousRound")}</dt>
                      <dd>
                        {/* as last round asked for it: its own unit and options */}
                        {formatAnswer(
                          lastRound.values.get(item.code)!.item,
                          { value: lastRound.values.get(item.code)!.value, notApplicableReason: null },
                          locale,
                          labels,
                        )}
                        {askedTheSameWay(item, lastRound.values.get(item.code)!.item) &&
                          yearOverYear(lastRound.values.get(item.code)!.value, answer?.value)}
                      </dd>
                    </div>
                  )}
                  {adjustments.map((a) => (
                    <div key={a.review.id} className="flex gap-2 text-amber-800">
                      <dt>
                        {t("adjustedBy", { name: a.reviewerName, stage: a.stagePosition })}
                        {a.review.carriedFromVersion !== null &&
                          ` ${t("carriedFrom", { version: a.review.carriedFromVersion })}`}
                      </dt>
                      <dd>
                        {formatScoredValue(item, a.review.adjustedValue, null, locale, labels, (j) =>
                          t(`judgement.${j}`),
                        )}{" "}
                        — {a.review.comment}
                      </dd>
                    </div>
                  ))}
                  {carried.map((c) => (
                    <div key={c.review.id} className="flex gap-2 text-slate-600">
                      <dt>
                        {t("carriedDecision", {
                          version: c.review.carriedFromVersion ?? 0,
                          stage: c.stagePosition,
                          name: c.reviewerName,
                        })}
                      </dt>
                      <dd>
                        {t(`decided.${c.review.action}`)}
                        {c.review.comment && `：${c.review.comment}`}
                      </dd>
                    </div>
                  ))}
                  {itemDiff?.valueChanged && (
                    <div className="flex gap-2 text-blue-900">
                      <dt>{t("before")}</dt>
                      <dd>
                        {formatAnswer(
                          item,
                          itemDiff.before ?? { value: null, notApplicableReason: null },
                          locale,
                          labels,
                        )}
                      </dd>
                    </div>
                  )}
                  {itemDiff && itemDiff.evidenceAdded.length > 0 && (
                    <div className="flex gap-2 text-blue-900">
                      <dt>{t("evidenceAdded")}</dt>
                      <dd>{itemDiff.evidenceAdded.join("、")}</dd>
                    </div>
                  )}
                  {itemDiff && itemDiff.evidenceRemoved.length > 0 && (
                    <div className="flex gap-2 text-blue-900">
                      <dt>{t("evidenceRemoved")}</dt>
                      <dd>{itemDiff.evidenceRemoved.join("、")}</dd>
                    </div>
                  )}
                </dl>
                {itemFiles.length > 0 && (
                  <ul className="mt-2 space-y-2 text-sm">
                    {itemFiles.map((f) => (
                      <li key={f.id}>
                        {f.kind === "url" ? (
                          <a
                            href={f.url!}
                            target="_blank"
                            rel="noopener noreferrer"
                            className="text-brand-700 underline break-all"
                          >
                            {f.url}
                          </a>
                        ) : (
                          <>
                            <a href={`/api/evidence/${f.id}`} className="text-brand-700 underline">
                              {f.originalName}
                            </a>
                            <span className="ml-2 text-xs text-slate-500">{f.sha256?.slice(0, 12)}</span>
                            {otherCities(f.sha256) && (
                              <span className="ml-2 rounded bg-amber-50 px-1.5 py-0.5 text-xs text-amber-900">
                                {t("sameFileElsewhere", { cities: otherCities(f.sha256)! })}
                              </span>
                            )}
                            {f.mime &&
                              isInlinePreviewable(f.mime) &&
                              (f.mime === "application/pdf" ? (
                                <iframe
                                  src={`/api/evidence/${f.id}?inline=1`}
                                  title={f.originalName ?? ""}
                                  className="mt-1 h-72 w-full rounded border border-slate-200"
                                />
                              ) : (
                                // eslint-disable-next-line @next/next/no-img-element -- authorised evidence stream, not a static asset
                                <img
                                  src={`/api/evidence/${f.id}?inline=1`}
                                  alt={f.originalName ?? ""}
                                  className="mt-1 max-h-72 rounded border border-slate-200"
                                />
                              ))}
                          </>
                        )}
                      </li>
                    ))}
                  </ul>
                )}
                {history.length > 0 && (
                  <ol
                    aria-label={t("history")}
                    className="mt-3 space-y-1 border-l-2 border-slate-200 pl-3 text-sm text-slate-700"
                  >
                    {history.map((h) => (
                      <li key={h.review.id}>
                        {t("historyEntry", {
                          version: h.review.version,
                          stage: h.stagePosition,
                          name: h.reviewerName,
                          action: t(`decided.${h.review.action}`),
                        })}
                        {h.review.comment && `：${h.review.comment}`}
                        {h.review.cityReply && (
                          <span className="block text-emerald-800">
                            {t("cityReply", { reply: h.review.cityReply })}
                          </span>
                        )}
                      </li>
                    ))}
                  </ol>
                )}
                {mine?.review.comment && (
                  <p className="mt-2 text-sm text-slate-700">{t("yourComment", { comment: mine.review.comment })}</p>
                )}
                {plausibility.flags
                  .filter((f) => f.itemCode === item.code)
                  .map((flag) => {
                    const dismissal = plausibility.dismissed.find(
                      (d) => d.itemCode === item.code && d.kind === flag.kind,
                    );
                    const unit = pick(locale, item.unitZh ?? "", item.unitEn ?? "");
                    const explanation = flagText(flag);
                    return (
                      <PlausibilityFlag
                        key={flag.kind}
                        submissionId={sub.id}
                        version={sub.version}
                        itemId={item.id}
                        itemCode={item.code}
                        kind={flag.kind}
                        explanation={explanation}
                        draft={draftOf(
                          flag,
                          `${item.code} ${pick(locale, item.nameZh, item.nameEn)}`,
                          `${num(flag.value)}${unit}`,
                        )}
                        canQuery={canAct}
                        canDismiss={seesFlags}
                        dismissed={
                          dismissal
                            ? tflags("dismissedBy", {
                                name: dismissal.by,
                                reason: dismissal.reason,
                                at: format.dateTime(dismissal.at, { dateStyle: "medium" }),
                              }) +
                              (dismissal.fromVersion === null
                                ? ""
                                : t("carriedFrom", { version: dismissal.fromVersion }))
                            : null
                        }
                      />
                    );
                  })}
                {canAct && (
                  <ItemDecision
                    submissionId={sub.id}
                    version={sub.version}
                    item={{ ...localizeItem(item, locale), adjustable: isAdjustable(item) }}
                    withdrawable={!!mine}
                  />
                )}
              </ReviewItemCard>
            );
          })}
        </div>
        <aside className="space-y-4 lg:sticky lg:top-4 lg:self-start">
          {canAct && (
            <DecisionBar
              submissionId={sub.id}
              version={sub.version}
              queries={queriesNow}
              needsDecision={needsDecision}
            />
          )}
          {isAdmin(user) && decide("reopen", { ...data.workflow, reason: "-" }).ok && (
            <ReopenForm submissionId={sub.id} />
          )}
          {byContent.size > 0 && (
            <section
              aria-labelledby="files-heading"
              className="rounded-xl border border-slate-200 bg-white p-4 text-sm shadow-sm"
            >
              <h2 id="files-heading" className="mb-2 font-semibold">
                {t("filesOnce", { count: byContent.size })}
              </h2>
              <ul className="space-y-2">
                {[...byContent].map(([sha256, f]) => (
                  <li key={sha256}>
                    <a href={`/api/evidence/${f.id}`} className="text-brand-700 underline break-all">
                      {f.name}
                    </a>
                    <span className="block text-xs text-slate-600">{t("supports", { items: f.codes.join("、") })}</span>
                    {otherCities(sha256) && (
                      <span className="mt-0.5 block rounded bg-amber-50 px-1.5 py-0.5 text-xs text-amber-900">
                        {t("sameFileElsewhere", { cities: otherCities(sha256)! })}
                      </span>
                    )}
                  </li>
                ))}
              </ul>
            </section>
          )}
          <section
            aria-labelledby="timeline-heading"
            className="rounded-xl border border-slate-200 bg-white p-4 text-sm shadow-sm"
          >
            <h2 id="timeline-heading" className="mb-2 font-semibold">
              {t("timeline")}
            </h2>
            <ol className="space-y-1.5">
              {data.timeline.map((e, i) => (
                <li key={i}>
                  <time className="text-xs text-slate-500" dateTime={e.at.toISOString()}>
                    {format.dateTime(e.at, { dateStyle: "short", timeStyle: "short" })}
                  </time>{" "}
                  {t.has(`events.${e.action.replace(".", "_")}`)
                    ? t(`events.${e.action.replace(".", "_")}`, {
                        name: e.actorName ?? "",
                        item: String(((e.after ?? e.before) as { itemCode?: string } | null)?.itemCode ?? ""),
                      })
                    : e.action}
                  {(e.after as { comment?: string | null } | null)?.comment && e.action === "submission.returned" && (
                    <span className="block pl-4 text-slate-700">
                      {t("returnNote", { comment: (e.after as { comment: string }).comment })}
                    </span>
                  )}
                </li>
              ))}
            </ol>
          </section>
        </aside>
      </div>
    </div>
  );
}
