"use client";

import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { useCallback, useEffect, useMemo, useState, useTransition } from "react";
import { submitModuleAction } from "@/app/actions/questionnaire";
import type { ModuleStatus } from "@/lib/domain";
import { pick } from "@/lib/i18n/pick";
import { formatPoints } from "@/lib/i18n/points";
import type { MissingEntry as Missing } from "@/lib/questionnaire/missing";
import { brokenRules, type CompiledRule } from "@/lib/validation/rules";
import { ProgressBar } from "../ui/progress-bar";
import { useErrorText } from "../use-error-text";
import { ItemField } from "./item-field";
import type {
  ClientAdjustment,
  ClientAnswer,
  ClientEvidence,
  ClientIndicator,
  ClientQuery,
  ItemState,
  RuleMessage,
} from "./types";

const MISSING_MESSAGE = {
  answer: "missingAnswer",
  evidence: "missingEvidence",
  confirmation: "missingConfirmation",
} as const;

const NO_RULES: RuleMessage[] = [];

export function Questionnaire({
  roundId,
  moduleCode,
  moduleMaxPoints,
  indicators,
  answers,
  evidence,
  initialStates,
  editable,
  maySubmit,
  editableItemIds,
  rules,
  queries,
  adjustments,
  status,
  version,
  returned,
  evidenceMaxMb,
}: {
  roundId: number;
  moduleCode: string;
  moduleMaxPoints: number;
  indicators: ClientIndicator[];
  answers: Record<number, ClientAnswer>;
  evidence: Record<number, ClientEvidence[]>;
  initialStates: Record<string, ItemState>;
  editable: boolean;
  /** only the city's lead submits and replies to queries; a department user fills in and sees who submits */
  maySubmit: boolean;
  /** the module's validation rules, checked live against what the form holds (lib/validation/rules.ts) */
  rules: CompiledRule[];
  /** in a returned module, only the queried items; otherwise all */
  editableItemIds: number[] | null;
  queries: Record<number, ClientQuery[]>;
  /** reviewers' adjustments in force, by item id */
  adjustments: Record<number, ClientAdjustment>;
  /** the module's status as the page shows it */
  status: ModuleStatus;
  version: number;
  returned: boolean;
  evidenceMaxMb: number;
}) {
  const t = useTranslations("questionnaire");
  const locale = useLocale();
  const errorText = useErrorText();
  const router = useRouter();
  const [states, setStates] = useState(initialStates);
  const [submitError, setSubmitError] = useState<{ message: string; missing: Missing[] }>();
  const [submitting, startSubmit] = useTransition();

  const onChange = useCallback((code: string, patch: Partial<ItemState>) => {
    setStates((s) => {
      const current = s[code]!;
      const changed = Object.entries(patch).some(([k, v]) => current[k as keyof ItemState] !== v);
      return changed ? { ...s, [code]: { ...current, ...patch } } : s;
    });
  }, []);

  // The module's status (shown by the page) changes with its first saved answer: 未开始 → 填报中.
  const onSaved = useCallback(() => {
    if (status === "not_started") router.refresh();
  }, [status, router]);

  const unsaved = Object.values(states).some((s) => s.unsaved);
  useEffect(() => {
    if (!unsaved) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [unsaved]);

  const items = useMemo(() => indicators.flatMap((i) => i.items), [indicators]);
  // The rules broken by what the form holds now, shown next to each item they concern.
  const ruleMessages = useMemo(() => {
    const values = Object.fromEntries(Object.entries(states).map(([code, s]) => [code, s.value]));
    const byItem: Record<string, RuleMessage[]> = {};
    for (const rule of brokenRules(rules, values))
      for (const code of rule.items)
        (byItem[code] ??= []).push({
          code: rule.code,
          level: rule.level,
          message: pick(locale, rule.message.zh, rule.message.en),
        });
    return byItem;
  }, [rules, states, locale]);
  const total = items.reduce((sum, item) => sum + (states[item.code]?.points ?? 0), 0);

  function submit() {
    setSubmitError(undefined);
    startSubmit(async () => {
      const result = await submitModuleAction({ roundId, moduleCode });
      if (result.ok) {
        router.refresh();
        return;
      }
      const details = result.details ?? {};
      const message =
        result.formError === "pastDeadline"
          ? t("pastDeadline", { deadline: String(details.deadline ?? "") })
          : (errorText(result.formError) ?? "");
      setSubmitError({ message, missing: (details.missing as Missing[] | undefined) ?? [] });
    });
  }

  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_16rem]">
      <div className="space-y-8">
        {indicators.map((indicator) => {
          const answered = indicator.items.filter((i) => states[i.code]?.answered).length;
          const points = indicator.items.reduce((sum, i) => sum + (states[i.code]?.points ?? 0), 0);
          const missingEvidence = indicator.items.filter(
            (i) => i.evidenceRequired && !states[i.code]?.notApplicable && !states[i.code]?.evidenceCount,
          ).length;
          return (
            <section key={indicator.code} aria-labelledby={`indicator-${indicator.code}`} className="space-y-3">
              <div className="flex flex-wrap items-end gap-x-4 gap-y-1 border-b border-slate-200 pb-2">
                <h3 id={`indicator-${indicator.code}`} className="text-lg font-semibold">
                  <span className="mr-2 text-slate-400">{indicator.code}</span>
                  {indicator.name}
                </h3>
                <span className="text-sm text-slate-600">
                  {t("answeredOf", { answered, total: indicator.items.length })}
                </span>
                {missingEvidence > 0 && (
                  <span className="text-sm text-amber-700">
                    {t("missingEvidenceCount", { count: missingEvidence })}
                  </span>
                )}
                <span
                  className="ml-auto text-sm text-slate-600 tabular-nums"
                  data-testid={`indicator-points-${indicator.code}`}
                >
                  {t("provisionalPoints", {
                    points: formatPoints(points, locale),
                    max: formatPoints(indicator.maxPoints, locale),
                  })}
                </span>
                <div className="w-full">
                  <ProgressBar
                    value={answered}
                    max={indicator.items.length}
                    label={t("indicatorProgress", { indicator: indicator.name })}
                  />
                </div>
              </div>
              {indicator.items.map((item) => (
                <ItemField
                  key={item.id}
                  item={item}
                  answer={answers[item.id]}
                  evidence={evidence[item.id] ?? []}
                  editable={editable && (editableItemIds === null || editableItemIds.includes(item.id))}
                  evidenceMaxMb={evidenceMaxMb}
                  queries={queries[item.id] ?? []}
                  currentVersion={version}
                  canReply={editable && returned && maySubmit}
                  ruleMessages={ruleMessages[item.code] ?? NO_RULES}
                  adjustment={adjustments[item.id]}
                  onChange={onChange}
                  onSaved={onSaved}
                />
              ))}
            </section>
          );
        })}
      </div>
      <aside className="lg:sticky lg:top-4 lg:self-start">
        <div className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
          <h3 className="text-sm font-medium text-slate-500">{t("provisionalScore")}</h3>
          <p className="mt-1 text-2xl font-bold tabular-nums" data-testid="module-points">
            {t("pointsOf", { points: formatPoints(total, locale), max: formatPoints(moduleMaxPoints, locale) })}
          </p>
          <p className="mt-1 text-xs text-slate-500">{t("provisionalNote")}</p>
          {editable && (
            <>
              <p
                className={`mt-3 text-sm ${unsaved ? "text-amber-700" : "text-emerald-700"}`}
                role="status"
                aria-live="polite"
              >
                {unsaved ? t("unsavedChanges") : t("allSaved")}
              </p>
              {maySubmit ? (
                <button
                  type="button"
                  onClick={submit}
                  disabled={submitting || unsaved}
                  className="mt-3 w-full rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:bg-slate-400"
                >
                  {submitting ? t("submitting") : t("submit")}
                </button>
              ) : (
                <p className="mt-3 text-sm text-slate-600">{t("leadSubmits")}</p>
              )}
            </>
          )}
          {submitError && (
            <div role="alert" className="mt-3 text-sm text-red-700">
              <p>{submitError.message}</p>
              {submitError.missing.length > 0 && (
                <ul className="mt-2 list-inside list-disc space-y-0.5">
                  {submitError.missing.map((m) => (
                    <li key={`${m.itemCode}-${m.what}-${m.what === "rule" ? m.rule.code : ""}`}>
                      <a href={`#item-${m.itemCode}`} className="underline">
                        {m.what === "rule"
                          ? t("missingRule", {
                              code: m.rule.code,
                              message: pick(locale, m.rule.message.zh, m.rule.message.en),
                            })
                          : t(MISSING_MESSAGE[m.what], {
                              code: m.itemCode,
                              name: items.find((i) => i.code === m.itemCode)?.name ?? "",
                            })}
                      </a>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}
        </div>
      </aside>
    </div>
  );
}
