import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { DrawCalibration } from "@/components/calibration/draw-calibration";
import { Badge } from "@/components/ui/badge";
import { listActiveReviewers, listRoundAssignments, listStages } from "@/db/assignments";
import { roundCalibration } from "@/db/calibration";
import { getDb } from "@/db/client";
import { listModules } from "@/db/rounds";
import { pick } from "@/lib/i18n/pick";
import { formatPercent, formatPoints } from "@/lib/i18n/points";
import { roundAllows } from "@/lib/workflow/round-lifecycle";
import type { adminRound } from "./admin-round";

/** Calibrations listed on the round page; the agreement counts them all. */
const SAMPLE_SHOWN = 100;

/**
 * 审核一致性校准: drawing a sample for blind second reviews, and the agreement of every pair of reviewers over the
 * completed ones (db/calibration.ts). Only the round page's admins see it; the reviewers never do.
 */
export async function CalibrationSection({ round }: { round: Awaited<ReturnType<typeof adminRound>> }) {
  const db = getDb();
  const [t, ta, locale] = [
    await getTranslations("calibration"),
    await getTranslations("assignments"),
    await getLocale(),
  ];
  const data = roundCalibration(db, round.id);
  const canDraw = roundAllows("draw_calibration", round.status);
  if (!canDraw && data.calibrations.length === 0) return null;
  const stages = listStages(db, round.id).map((s) => ({
    id: s.id,
    label: ta("stage", { position: s.position, name: pick(locale, s.nameZh, s.nameEn) }),
  }));
  // Each reviewer with the modules they review in this round: those versions never go to them.
  const assignments = listRoundAssignments(db, round.id);
  const codeOf = new Map(listModules(db, round.id).map((m) => [m.id, m.code]));
  const reviewers = listActiveReviewers(db).map((r) => {
    const codes = [
      ...new Set(assignments.filter((a) => a.reviewerId === r.id).map((a) => codeOf.get(a.moduleId) ?? "")),
    ];
    return {
      id: r.id,
      name: codes.length ? `${r.name}${t("reviewerModules", { modules: codes.join("、") })}` : r.name,
    };
  });
  const done = data.calibrations.filter((c) => c.calibration.completedAt).length;
  const cell = "px-3 py-1.5";
  return (
    <section
      aria-labelledby="calibration-heading"
      className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 text-sm shadow-sm"
    >
      <h2 id="calibration-heading" className="text-lg font-semibold">
        {t("heading")}
      </h2>
      <p className="text-slate-600">{t("intro")}</p>
      {canDraw ? (
        reviewers.length ? (
          <DrawCalibration roundId={round.id} stages={stages} reviewers={reviewers} />
        ) : (
          <p className="text-amber-800">{t("noReviewers")}</p>
        )
      ) : (
        <p className="text-slate-700">{t("closed")}</p>
      )}
      {data.calibrations.length === 0 ? (
        <p className="text-slate-600">{t("none")}</p>
      ) : (
        <>
          <p className="font-medium" data-testid="calibration-progress">
            {t("progress", { done, total: data.calibrations.length })}
          </p>
          <h3 className="pt-2 font-semibold">{t("pairsHeading")}</h3>
          {data.pairs.length === 0 ? (
            <p className="text-slate-600">{t("pairsEmpty")}</p>
          ) : (
            <div className="overflow-x-auto rounded-lg border border-slate-200">
              <table className="min-w-full" aria-label={t("pairsHeading")}>
                <thead className="bg-slate-50 text-left text-slate-600">
                  <tr>
                    {(
                      [
                        "colStageShort",
                        "colFirst",
                        "colSecond",
                        "colCalibrations",
                        "colCompared",
                        "colIdentical",
                        "colKappa",
                        "colGap",
                        "colTop",
                      ] as const
                    ).map((key) => (
                      <th key={key} scope="col" className={`${cell} whitespace-nowrap font-medium`}>
                        {t(key)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {data.pairs.map((p) => (
                    <tr key={`${p.stagePosition}:${p.firstReviewerId}:${p.secondReviewerId}`}>
                      <td className={`${cell} tabular-nums`}>{p.stagePosition}</td>
                      <td className={cell}>{p.firstName}</td>
                      <td className={cell}>{p.secondName}</td>
                      <td className={`${cell} tabular-nums`}>{p.calibrations}</td>
                      <td className={`${cell} tabular-nums`}>{p.compared}</td>
                      <td className={`${cell} tabular-nums`}>{formatPercent(p.identical, locale)}</td>
                      <td
                        className={`${cell} tabular-nums`}
                        title={p.kappa === null ? t("kappaUndefinedHint") : undefined}
                      >
                        {p.kappa === null ? t("kappaUndefined") : p.kappa.toFixed(2)}
                      </td>
                      <td className={`${cell} tabular-nums`}>
                        {p.adjustmentGap === null
                          ? t("gapNone")
                          : t("gapOf", { points: formatPoints(p.adjustmentGap, locale), count: p.adjustedByEither })}
                      </td>
                      <td className={cell}>
                        {p.topItems
                          .slice(0, 3)
                          .map((i) => t("topItem", { item: i.itemCode, disagreed: i.disagreed, compared: i.compared }))
                          .join("、") || "—"}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <p className="text-xs text-slate-600">{t("kappaHelp")}</p>
          {data.items.length > 0 && (
            <>
              <h3 className="pt-2 font-semibold">{t("itemsHeading")}</h3>
              <ol className="list-decimal space-y-0.5 pl-6" aria-label={t("itemsHeading")}>
                {data.items.map((i) => (
                  <li key={i.itemCode}>
                    <span className="font-mono text-xs text-slate-500">{i.itemCode}</span>{" "}
                    {pick(locale, i.item.nameZh, i.item.nameEn)} ·{" "}
                    {t("itemRow", { disagreed: i.disagreed, compared: i.compared })}
                  </li>
                ))}
              </ol>
            </>
          )}
          <h3 className="pt-2 font-semibold">{t("listHeading")}</h3>
          <div className="max-h-80 overflow-auto rounded-lg border border-slate-200">
            <table className="min-w-full" aria-label={t("listHeading")}>
              <thead className="sticky top-0 bg-slate-50 text-left text-slate-600">
                <tr>
                  {(["colCity", "colVersion", "colStage", "colSecond", "colStatus"] as const).map((key) => (
                    <th key={key} scope="col" className={`${cell} whitespace-nowrap font-medium`}>
                      {t(key)}
                    </th>
                  ))}
                  <th scope="col" className={cell}>
                    <span className="sr-only">{t("view")}</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {data.calibrations.slice(0, SAMPLE_SHOWN).map((c) => (
                  <tr key={c.calibration.id}>
                    <td className={cell}>
                      {pick(locale, c.cityNameZh, c.cityNameEn)} · {c.moduleCode}
                    </td>
                    <td className={`${cell} tabular-nums`}>{c.calibration.version}</td>
                    <td className={`${cell} tabular-nums`}>{c.stagePosition}</td>
                    <td className={cell}>{c.secondName}</td>
                    <td className={cell}>
                      <Badge tone={c.calibration.completedAt ? "green" : "slate"}>
                        {t(c.calibration.completedAt ? "done" : "pending")}
                      </Badge>{" "}
                      <span className="text-xs text-slate-500">
                        {t(c.firstApproved ? "firstApproved" : "firstNotApproved")}
                      </span>
                    </td>
                    <td className={cell}>
                      <Link href={`/review/calibration/${c.calibration.id}`} className="text-brand-700 underline">
                        {t("view")}
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {data.calibrations.length > SAMPLE_SHOWN && (
            <p className="text-xs text-slate-600">
              {t("listMore", { shown: SAMPLE_SHOWN, total: data.calibrations.length })}
            </p>
          )}
        </>
      )}
    </section>
  );
}
