"use client";

import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { useDeferredValue, useEffect, useMemo, useState } from "react";
import { FormProvider, useFieldArray, useForm, useFormContext, useWatch } from "react-hook-form";
import { type Draft, draftToFile, fileToDraft, newIndicator, newItem, newModule } from "@/lib/framework/draft";
import type { FrameworkFile } from "@/lib/framework/schema";
import { type FrameworkProblem, validateFramework } from "@/lib/framework/validate";
import { pick } from "@/lib/i18n/pick";
import { Button } from "../ui/button";
import { TextField } from "../ui/text-field";
import { IndicatorFields, ItemFields, ModuleFields } from "./framework-fields";

/** What the right-hand pane edits: the framework's total, a module, an indicator or an item (by position). */
type Selection = { m?: number; i?: number; k?: number };

type TreeProps = {
  values: Draft;
  selected: Selection;
  select: (s: Selection) => void;
  problemsAt: Map<string, number>;
  editable: boolean;
};

const nodeButton = "min-w-0 flex-1 truncate rounded px-2 py-1 text-left text-sm hover:bg-slate-100";
const toolButton = "rounded px-1.5 text-xs text-slate-500 hover:bg-slate-200 hover:text-slate-900 disabled:invisible";

function NodeTools({
  label,
  index,
  count,
  move,
  remove,
}: {
  label: string;
  index: number;
  count: number;
  move: (from: number, to: number) => void;
  remove: () => void;
}) {
  const t = useTranslations("frameworkEditor");
  return (
    <span className="flex shrink-0 items-center">
      <button
        type="button"
        className={toolButton}
        disabled={index === 0}
        aria-label={t("moveUp", { name: label })}
        onClick={() => move(index, index - 1)}
      >
        ↑
      </button>
      <button
        type="button"
        className={toolButton}
        disabled={index === count - 1}
        aria-label={t("moveDown", { name: label })}
        onClick={() => move(index, index + 1)}
      >
        ↓
      </button>
      <button
        type="button"
        className={toolButton}
        disabled={count === 1}
        aria-label={t("removeNamed", { name: label })}
        onClick={remove}
      >
        ✕
      </button>
    </span>
  );
}

function NodeLabel({
  code,
  node,
  points,
  problems,
}: {
  code: string;
  node: { nameZh: string; nameEn: string };
  points: string;
  problems: number;
}) {
  const t = useTranslations("frameworkEditor");
  const name = pick(useLocale(), node.nameZh, node.nameEn);
  return (
    <>
      <span className="font-mono text-slate-500">{code}</span> {name}{" "}
      <span className="text-slate-500 tabular-nums">· {points}</span>
      {problems > 0 && (
        <span
          className="ml-1 rounded-full bg-red-100 px-1.5 text-xs text-red-800"
          title={t("problemCount", { count: problems })}
        >
          {problems}
        </span>
      )}
    </>
  );
}

function IndicatorNode({
  m,
  i,
  count,
  move,
  remove,
  ...tree
}: TreeProps & { m: number; i: number; count: number; move: (a: number, b: number) => void; remove: () => void }) {
  const t = useTranslations("frameworkEditor");
  const { control } = useFormContext<Draft>();
  const items = useFieldArray({ control, name: `modules.${m}.indicators.${i}.items` });
  const indicator = tree.values.modules[m]!.indicators[i]!;
  const isSelected = (k?: number) => tree.selected.m === m && tree.selected.i === i && tree.selected.k === k;
  return (
    <li>
      <div className="flex items-center">
        <button
          type="button"
          className={`${nodeButton} ${isSelected() ? "bg-brand-50 font-semibold" : ""}`}
          aria-current={isSelected() || undefined}
          onClick={() => tree.select({ m, i })}
        >
          <NodeLabel
            code={indicator.code}
            node={indicator}
            points={indicator.points}
            problems={tree.problemsAt.get(indicator.code) ?? 0}
          />
        </button>
        {tree.editable && (
          <NodeTools
            label={indicator.code}
            index={i}
            count={count}
            move={(a, b) => {
              move(a, b);
              tree.select({ m, i: b });
            }}
            remove={() => {
              remove();
              tree.select({ m });
            }}
          />
        )}
      </div>
      <ul className="ml-4 border-l border-slate-200 pl-2">
        {items.fields.map((field, k) => {
          const item = indicator.items[k];
          if (!item) return null;
          return (
            <li key={field.id} className="flex items-center">
              <button
                type="button"
                className={`${nodeButton} ${isSelected(k) ? "bg-brand-50 font-semibold" : ""}`}
                aria-current={isSelected(k) || undefined}
                onClick={() => tree.select({ m, i, k })}
              >
                <NodeLabel
                  code={item.code}
                  node={item}
                  points={item.points}
                  problems={tree.problemsAt.get(item.code) ?? 0}
                />
              </button>
              {tree.editable && (
                <NodeTools
                  label={item.code}
                  index={k}
                  count={items.fields.length}
                  move={(a, b) => {
                    items.move(a, b);
                    tree.select({ m, i, k: b });
                  }}
                  remove={() => {
                    items.remove(k);
                    tree.select({ m, i });
                  }}
                />
              )}
            </li>
          );
        })}
        {tree.editable && (
          <li>
            <button
              type="button"
              className="px-2 py-1 text-xs text-brand-700 hover:underline"
              onClick={() => {
                items.append(newItem(indicator.code, indicator.items));
                tree.select({ m, i, k: indicator.items.length });
              }}
            >
              {t("addItem", { code: indicator.code })}
            </button>
          </li>
        )}
      </ul>
    </li>
  );
}

function ModuleNode({
  m,
  count,
  move,
  remove,
  ...tree
}: TreeProps & { m: number; count: number; move: (a: number, b: number) => void; remove: () => void }) {
  const t = useTranslations("frameworkEditor");
  const { control } = useFormContext<Draft>();
  const indicators = useFieldArray({ control, name: `modules.${m}.indicators` });
  const mod = tree.values.modules[m]!;
  const isSelected = tree.selected.m === m && tree.selected.i === undefined;
  return (
    <li className="py-1">
      <div className="flex items-center">
        <button
          type="button"
          className={`${nodeButton} font-medium ${isSelected ? "bg-brand-50 font-semibold" : ""}`}
          aria-current={isSelected || undefined}
          onClick={() => tree.select({ m })}
        >
          <NodeLabel code={mod.code} node={mod} points={mod.points} problems={tree.problemsAt.get(mod.code) ?? 0} />
        </button>
        {tree.editable && (
          <NodeTools
            label={mod.code}
            index={m}
            count={count}
            move={(a, b) => {
              move(a, b);
              tree.select({ m: b });
            }}
            remove={() => {
              remove();
              tree.select({});
            }}
          />
        )}
      </div>
      <ul className="ml-4 border-l border-slate-200 pl-2">
        {indicators.fields.map((field, i) =>
          mod.indicators[i] ? (
            // Keyed by position too: a node that moves remounts, so its nested list follows its new path.
            <IndicatorNode
              key={`${field.id}-${i}`}
              m={m}
              i={i}
              count={indicators.fields.length}
              move={indicators.move}
              remove={() => indicators.remove(i)}
              {...tree}
            />
          ) : null,
        )}
        {tree.editable && (
          <li>
            <button
              type="button"
              className="px-2 py-1 text-xs text-brand-700 hover:underline"
              onClick={() => {
                indicators.append(newIndicator(mod.code, mod.indicators));
                tree.select({ m, i: mod.indicators.length });
              }}
            >
              {t("addIndicator", { code: mod.code })}
            </button>
          </li>
        )}
      </ul>
    </li>
  );
}

/** Where a code sits in the draft, to jump to it from the problem list. */
function findCode(draft: Draft, code: string): Selection | null {
  if (code === "total") return {};
  const is = (node: { code: string }) => node.code.trim() === code; // problems name codes as the check read them: trimmed
  for (const [m, mod] of draft.modules.entries()) {
    if (is(mod)) return { m };
    for (const [i, ind] of mod.indicators.entries()) {
      if (is(ind)) return { m, i };
      const k = ind.items.findIndex(is);
      if (k >= 0) return { m, i, k };
    }
  }
  return null;
}

/** The code of the selected node, or "total" for the framework itself (as problems name them). */
function selectedCode(draft: Draft, { m, i, k }: Selection): string | undefined {
  if (m === undefined) return "total";
  const mod = draft.modules[m];
  const node = i === undefined ? mod : k === undefined ? mod?.indicators[i] : mod?.indicators[i]?.items[k];
  return node?.code.trim();
}

/**
 * The framework editor of a round: a tree of modules, indicators and items, the selected node's settings,
 * a live check with the rules of the framework file, and a preview of the selected item. Saving sends the
 * whole framework to the same endpoint as a file import, which checks it again; only drafts can be saved.
 */
export function FrameworkEditor({
  roundId,
  initial,
  revision,
  editable,
}: {
  roundId: number;
  initial: FrameworkFile;
  revision: string;
  editable: boolean;
}) {
  const t = useTranslations("frameworkEditor");
  const tp = useTranslations("frameworkProblems");
  const router = useRouter();
  const form = useForm<Draft>({ defaultValues: fileToDraft(initial) });
  const { control, register, formState, handleSubmit, reset } = form;
  const modules = useFieldArray({ control, name: "modules" });
  const values = useWatch({ control }) as Draft;
  const checked = useDeferredValue(values);
  const check = useMemo(() => validateFramework(draftToFile(checked)), [checked]);
  const problems: FrameworkProblem[] = check.ok ? [] : check.problems;
  const problemsAt = new Map<string, number>();
  for (const p of problems) problemsAt.set(p.at, (problemsAt.get(p.at) ?? 0) + 1);
  const [selected, setSelected] = useState<Selection>({});
  // The revision this copy is based on: the server refuses a save if the framework changed since (412).
  const [baseRevision, setBaseRevision] = useState(revision);
  const [result, setResult] = useState<{ ok: boolean; message: string; problems: { at: string; message: string }[] }>();

  // Unsaved edits: warn before a reload or closing the tab, and before following a link inside the app
  // (client-side navigation fires no beforeunload). Capturing at the document runs before Next's Link handler.
  useEffect(() => {
    if (!formState.isDirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    const confirmLeave = (e: MouseEvent) => {
      const link = e.target instanceof Element ? e.target.closest("a[href]") : null;
      if (!link || link.getAttribute("target") === "_blank" || link.hasAttribute("download")) return;
      if (window.confirm(t("leaveUnsaved"))) return;
      e.preventDefault();
      e.stopPropagation();
    };
    window.addEventListener("beforeunload", warn);
    document.addEventListener("click", confirmLeave, true);
    return () => {
      window.removeEventListener("beforeunload", warn);
      document.removeEventListener("click", confirmLeave, true);
    };
  }, [formState.isDirty, t]);

  const save = handleSubmit(async (draft) => {
    setResult(undefined);
    const response = await fetch(`/api/rounds/${roundId}/framework`, {
      method: "PUT",
      headers: { "Content-Type": "application/json", "If-Match": `"${baseRevision}"` },
      body: JSON.stringify(draftToFile(draft)),
    }).catch(() => null);
    if (!response) return setResult({ ok: false, message: t("saveFailed"), problems: [] }); // offline: the edits stay, unsaved
    const body = (await response.json().catch(() => ({}))) as {
      message?: string;
      problems?: { at: string; message: string }[];
      revision?: string;
    };
    if (!response.ok)
      return setResult({ ok: false, message: body.message ?? t("saveFailed"), problems: body.problems ?? [] });
    if (body.revision) setBaseRevision(body.revision);
    reset(draft);
    setResult({ ok: true, message: t("saved"), problems: [] });
    router.refresh();
  });

  const tree: TreeProps = { values, selected, select: setSelected, problemsAt, editable };
  const { m, i, k } = selected;
  const code = selectedCode(values, selected);
  const nodeProblems = problems.filter((p) => p.at === code);
  const paneKey = `${m}-${i}-${k}-${modules.fields[m ?? -1]?.id ?? ""}`;

  return (
    <FormProvider {...form}>
      <div className="space-y-4">
        <div className="flex flex-wrap items-center gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
          <p role="status" className={`text-sm ${check.ok ? "text-emerald-700" : "text-red-700"}`}>
            {check.ok ? t("valid") : t("problemCount", { count: problems.length })}
          </p>
          {editable ? (
            <div className="ml-auto flex items-center gap-2">
              {formState.isDirty && <span className="text-sm text-amber-700">{t("unsaved")}</span>}
              <Button
                type="button"
                variant="secondary"
                disabled={!formState.isDirty || formState.isSubmitting}
                onClick={() => {
                  reset();
                  setSelected({});
                  setResult(undefined);
                }}
              >
                {t("discard")}
              </Button>
              <Button
                type="button"
                disabled={!check.ok || !formState.isDirty || formState.isSubmitting}
                onClick={() => void save()}
              >
                {t("save")}
              </Button>
            </div>
          ) : (
            <p className="ml-auto text-sm text-slate-600">{t("frozen")}</p>
          )}
          {result && (
            <div
              role={result.ok ? "status" : "alert"}
              className={`w-full text-sm ${result.ok ? "text-emerald-700" : "text-red-700"}`}
            >
              <p>{result.message}</p>
              {result.problems.length > 0 && (
                <ul className="list-inside list-disc">
                  {result.problems.map((p, n) => (
                    <li key={n}>
                      <span className="font-mono">{p.at}</span>: {p.message}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}
          {problems.length > 0 && (
            <ul aria-label={t("problems")} className="w-full space-y-0.5 text-sm text-red-800">
              {problems.map((p, n) => {
                const target = findCode(values, p.at);
                return (
                  <li key={n}>
                    {target ? (
                      <button type="button" className="font-mono underline" onClick={() => setSelected(target)}>
                        {p.at}
                      </button>
                    ) : (
                      <span className="font-mono">{p.at}</span>
                    )}
                    : {tp(p.key, p.params as Record<string, string | number>)}
                  </li>
                );
              })}
            </ul>
          )}
        </div>

        <div className="grid gap-4 lg:grid-cols-[minmax(0,22rem)_minmax(0,1fr)]">
          <nav
            aria-label={t("tree")}
            className="rounded-xl border border-slate-200 bg-white p-3 shadow-sm lg:max-h-[75vh] lg:overflow-y-auto"
          >
            <button
              type="button"
              className={`${nodeButton} w-full ${m === undefined ? "bg-brand-50 font-semibold" : ""}`}
              onClick={() => setSelected({})}
            >
              {t("total")} · {values.total}
              {(problemsAt.get("total") ?? 0) > 0 && (
                <span className="ml-1 rounded-full bg-red-100 px-1.5 text-xs text-red-800">
                  {problemsAt.get("total")}
                </span>
              )}
            </button>
            <ul>
              {modules.fields.map((field, n) =>
                values.modules[n] ? (
                  <ModuleNode
                    key={`${field.id}-${n}`}
                    m={n}
                    count={modules.fields.length}
                    move={modules.move}
                    remove={() => modules.remove(n)}
                    {...tree}
                  />
                ) : null,
              )}
            </ul>
            {editable && (
              <button
                type="button"
                className="px-2 py-1 text-xs text-brand-700 hover:underline"
                onClick={() => {
                  modules.append(newModule(values));
                  setSelected({ m: values.modules.length });
                }}
              >
                {t("addModule")}
              </button>
            )}
          </nav>

          <section
            aria-label={t("settings")}
            className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
            key={paneKey}
          >
            {nodeProblems.length > 0 && (
              <ul
                aria-label={t("nodeProblems")}
                className="mb-4 space-y-0.5 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800"
              >
                {nodeProblems.map((p, n) => (
                  <li key={n}>{tp(p.key, p.params as Record<string, string | number>)}</li>
                ))}
              </ul>
            )}
            {m === undefined && (
              <fieldset disabled={!editable} className="max-w-xs">
                <TextField label={t("total")} inputMode="decimal" {...register("total")} />
                <p className="mt-2 text-sm text-slate-600">{t("totalHint")}</p>
              </fieldset>
            )}
            {m !== undefined && i === undefined && values.modules[m] && (
              <ModuleFields base={`modules.${m}`} editable={editable} />
            )}
            {m !== undefined && i !== undefined && k === undefined && values.modules[m]?.indicators[i] && (
              <IndicatorFields base={`modules.${m}.indicators.${i}`} editable={editable} />
            )}
            {m !== undefined && i !== undefined && k !== undefined && values.modules[m]?.indicators[i]?.items[k] && (
              <ItemFields base={`modules.${m}.indicators.${i}.items.${k}`} editable={editable} />
            )}
          </section>
        </div>
        <RulesSection editable={editable} problems={problems} />
      </div>
    </FormProvider>
  );
}

/**
 * The framework's validation rules (lib/validation/rules.ts): each a condition over item codes, `warn` or
 * `block`, with the message cities read; checked live with the rest of the framework.
 */
function RulesSection({ editable, problems }: { editable: boolean; problems: FrameworkProblem[] }) {
  const t = useTranslations("frameworkEditor");
  const tp = useTranslations("frameworkProblems");
  const { control, register } = useFormContext<Draft>();
  const rules = useFieldArray({ control, name: "rules" });
  const values = useWatch({ control, name: "rules" }) ?? [];
  const input = "block w-full rounded-md border border-slate-300 px-2 py-1 text-sm";
  return (
    <section
      aria-labelledby="rules-heading"
      className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
    >
      <h2 id="rules-heading" className="font-semibold">
        {t("rules")}
      </h2>
      <p className="text-sm text-slate-600">{t("rulesHelp")}</p>
      {rules.fields.length === 0 && <p className="text-sm text-slate-500">{t("noRules")}</p>}
      <fieldset disabled={!editable} className="space-y-3">
        {rules.fields.map((field, n) => {
          const own = problems.filter((p) => p.at === values[n]?.code && p.key === "ruleInvalid");
          return (
            <div
              key={field.id}
              className="grid gap-2 rounded-md border border-slate-200 p-3 sm:grid-cols-[6rem_1fr_8rem]"
            >
              <label className="text-sm">
                {t("ruleCode")}
                <input className={input} {...register(`rules.${n}.code`)} />
              </label>
              <label className="text-sm">
                {t("ruleExpr")}
                <input className={`${input} font-mono`} {...register(`rules.${n}.expr`)} />
              </label>
              <label className="text-sm">
                {t("ruleLevel")}
                <select className={input} {...register(`rules.${n}.level`)}>
                  <option value="warn">{t("ruleWarn")}</option>
                  <option value="block">{t("ruleBlock")}</option>
                </select>
              </label>
              <label className="text-sm sm:col-span-3">
                {t("ruleMessageZh")}
                <input className={input} {...register(`rules.${n}.messageZh`)} />
              </label>
              <label className="text-sm sm:col-span-3">
                {t("ruleMessageEn")}
                <input className={input} {...register(`rules.${n}.messageEn`)} />
              </label>
              {own.length > 0 && (
                <ul className="text-sm text-red-700 sm:col-span-3">
                  {own.map((p, k) => (
                    <li key={k}>{tp(p.key, p.params as Record<string, string | number>)}</li>
                  ))}
                </ul>
              )}
              {editable && (
                <button
                  type="button"
                  className="justify-self-start text-xs text-red-700 hover:underline"
                  onClick={() => rules.remove(n)}
                >
                  {t("removeRule")}
                </button>
              )}
            </div>
          );
        })}
      </fieldset>
      {editable && (
        <button
          type="button"
          className="text-sm text-brand-700 hover:underline"
          onClick={() =>
            rules.append({ code: `R${rules.fields.length + 1}`, expr: "", level: "warn", messageZh: "", messageEn: "" })
          }
        >
          {t("addRule")}
        </button>
      )}
    </section>
  );
}
