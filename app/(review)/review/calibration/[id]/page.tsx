import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { cache } from "react";
import { CancelCalibration } from "@/components/calibration/cancel-calibration";
import { CompleteCalibration } from "@/components/calibration/complete-calibration";
import { ReviewItemCard } from "@/components/review/item-card";
import { ItemDecision } from "@/components/review/item-decision";
import { Badge } from "@/components/ui/badge";
import { getCalibrationScreen } from "@/db/calibration";
import { getDb } from "@/db/client";
import { mayCalibrate, mayManageCalibration } from "@/lib/auth/policy";
import { requireRole } from "@/lib/auth/session";
import { localizeItem } from "@/lib/framework/item";
import { pick } from "@/lib/i18n/pick";
import { formatAnswer, formatScoredValue } from "@/lib/questionnaire/format";
import { type Decision, sameDecision } from "@/lib/review/calibration";
import { isAdjustable } from "@/lib/review/decision-schema";
import { roundAllows } from "@/lib/workflow/round-lifecycle";

type Params = { id: string };

// Once per request, although generateMetadata and the page both ask.
const loadFor = cache(async (id: string) => {
  const user = await requireRole("reviewer", "admin");
  const calibrationId = /^\d+$/.test(id) ? Number(id) : 0;
  const data = calibrationId ? getCalibrationScreen(getDb(), user, calibrationId) : null;
  if (!data) notFound();
  return { user, data };
});

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  const { data } = await loadFor((await params).id);
  const [t, locale] = [await getTranslations("calibration"), await getLocale()];
  return { title: `${t("title")} · ${pick(locale, data.city.nameZh, data.city.nameEn)} · ${data.module.code}` };
}

/**
 * A blind calibration review: the second reviewer sees the version as the city submitted it and decides every item;
 * an admin sees their decisions next to the first review's. The first reviewers never reach this page.
 */
export default async function CalibrationPage({ params }: { params: Promise<Params> }) {
  const { user, data } = await loadFor((await params).id);
  const [t, tr, tq, locale, format] = [
    await getTranslations("calibration"),
    await getTranslations("review"),
    await getTranslations("questionnaire"),
    await getLocale(),
    await getFormatter(),
  ];
  const { calibration, snapshot } = data;
  const deciding = mayCalibrate(user, calibration);
  const editable = deciding && !calibration.completedAt && roundAllows("calibrate", data.roundStatus);
  const labels = { yes: tq("yes"), no: tq("no"), empty: tq("empty"), notApplicable: tq("notApplicable") };
  const describe = (item: (typeof data.items)[number], d: Decision & { comment: string | null }) =>
    [
      d.action === "adjust"
        ? t("adjustedTo", {
            value: formatScoredValue(item, d.adjustedValue, null, locale, labels, (j) => tr(`judgement.${j}`)),
          })
        : tr(`decided.${d.action}`),
      d.comment,
    ]
      .filter(Boolean)
      .join(locale === "en" ? ": " : "：");
  const firstName = [...new Set(data.firstReview.map((f) => f.reviewerName))].join("、");

  return (
    <div className="space-y-6">
      <nav className="text-sm">
        <Link
          href={deciding ? "/review#calibration" : `/admin/rounds/${calibration.roundId}`}
          className="text-brand-700 hover:underline"
        >
          ← {deciding ? t("back") : t("backAdmin")}
        </Link>
      </nav>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold">
          {t("title")} · {pick(locale, data.city.nameZh, data.city.nameEn)} · {data.module.code}{" "}
          {pick(locale, data.module.nameZh, data.module.nameEn)}
        </h1>
        <Badge tone={calibration.completedAt ? "green" : "amber"}>
          {t(calibration.completedAt ? "done" : "pending")}
        </Badge>
        <span className="text-sm text-slate-600">
          {t("versionStage", {
            version: calibration.version,
            position: data.stage.position,
            name: pick(locale, data.stage.nameZh, data.stage.nameEn),
          })}
        </span>
      </div>
      <p className="rounded-md border border-violet-200 bg-violet-50 px-4 py-3 text-sm text-violet-950" role="note">
        {deciding ? t("notice") : t("noticeAdmin")}
      </p>
      {calibration.completedAt ? (
        <p role="status" className="text-sm text-emerald-800">
          {t("completedAt", {
            at: format.dateTime(calibration.completedAt, { dateStyle: "long", timeStyle: "short" }),
          })}
        </p>
      ) : (
        !roundAllows("calibrate", data.roundStatus) && (
          <p role="status" className="text-sm text-slate-700">
            {t("roundClosed")}
          </p>
        )
      )}
      <div className="grid gap-6 lg:grid-cols-[1fr_18rem]">
        <div className="space-y-4">
          {data.items.map((item) => {
            const name = pick(locale, item.nameZh, item.nameEn);
            const answer = snapshot.answers.find((a) => a.itemCode === item.code);
            const mine = data.decisions.find((d) => d.itemId === item.id);
            const first = data.firstReview.find((f) => f.itemId === item.id);
            // For the admin's comparison: whether the two reviews decided the item the same way.
            const agree = !deciding && mine && first ? sameDecision(item, answer, first, mine) : null;
            // The version's evidence as its snapshot recorded it; a file still kept is linked.
            const files = snapshot.evidence
              .filter((e) => e.itemCode === item.code)
              .map((e) => ({
                ...e,
                id: data.files.find((f) => f.itemId === item.id && f.kind === "file" && f.sha256 === e.sha256)?.id,
              }));
            return (
              <ReviewItemCard
                key={item.id}
                code={item.code}
                name={name}
                badges={
                  agree !== null && <Badge tone={agree ? "green" : "red"}>{t(agree ? "same" : "different")}</Badge>
                }
              >
                <dl className="mt-2 grid gap-1 text-sm">
                  <div className="flex gap-2">
                    <dt className="text-slate-500">{tr("cityAnswer")}</dt>
                    <dd data-testid={`answer-${item.code}`}>
                      {formatAnswer(item, answer ?? { value: null, notApplicableReason: null }, locale, labels)}
                    </dd>
                  </div>
                  {!deciding && (
                    <div className="flex gap-2">
                      <dt className="text-slate-500">{t("first", { name: first?.reviewerName ?? firstName })}</dt>
                      <dd>{first ? describe(item, first) : t("notDecided")}</dd>
                    </div>
                  )}
                  <div className="flex gap-2">
                    <dt className="text-slate-500">
                      {deciding ? t("yourDecision") : t("second", { name: data.secondReviewer.name })}
                    </dt>
                    <dd data-testid={`calibration-decision-${item.code}`}>
                      {mine ? describe(item, mine) : t("notDecided")}
                    </dd>
                  </div>
                </dl>
                {files.length > 0 && (
                  <ul className="mt-2 space-y-1 text-sm">
                    {files.map((f, i) => (
                      <li key={i}>
                        {f.kind === "url" ? (
                          <a
                            href={f.url!}
                            target="_blank"
                            rel="noopener noreferrer"
                            className="text-brand-700 underline break-all"
                          >
                            {f.url}
                          </a>
                        ) : f.id ? (
                          <a href={`/api/evidence/${f.id}`} className="text-brand-700 underline">
                            {f.originalName}
                          </a>
                        ) : (
                          f.originalName
                        )}
                      </li>
                    ))}
                  </ul>
                )}
                {editable && (
                  <ItemDecision
                    submissionId={calibration.submissionId}
                    version={calibration.version}
                    calibrationId={calibration.id}
                    item={{ ...localizeItem(item, locale), adjustable: isAdjustable(item) }}
                    withdrawable={!!mine}
                  />
                )}
              </ReviewItemCard>
            );
          })}
        </div>
        <aside className="space-y-4 lg:sticky lg:top-4 lg:self-start">
          {editable ? (
            <CompleteCalibration
              // any new decision starts it afresh: a refusal shown before may no longer be true
              key={data.decisions.map((d) => `${d.itemId}@${d.decidedAt.getTime()}`).join()}
              calibrationId={calibration.id}
              decided={data.decisions.length}
              total={data.items.length}
              missing={data.items.filter((i) => !data.decisions.some((d) => d.itemId === i.id)).map((i) => i.code)}
            />
          ) : (
            <p className="rounded-xl border border-slate-200 bg-white p-4 text-sm shadow-sm">
              {t("decidedCount", { decided: data.decisions.length, total: data.items.length })}
            </p>
          )}
          {mayManageCalibration(user) &&
            !calibration.completedAt &&
            roundAllows("draw_calibration", data.roundStatus) && (
              <CancelCalibration calibrationId={calibration.id} roundId={calibration.roundId} />
            )}
        </aside>
      </div>
    </div>
  );
}
