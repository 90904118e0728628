"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { useFieldArray, useFormContext, useWatch } from "react-hook-form";
import { type Draft, type DraftItem, draftItemPreview, withRule, withType } from "@/lib/framework/draft";
import {
  ANSWER_TYPES,
  type AnswerType,
  EVIDENCE_KINDS,
  RULES_FOR_TYPE,
  type ScoringRule,
} from "@/lib/framework/schema";
import { TextField } from "../ui/text-field";
import { ItemPreview } from "./item-preview";

type ModulePath = `modules.${number}`;
type IndicatorPath = `modules.${number}.indicators.${number}`;
type ItemPath = `modules.${number}.indicators.${number}.items.${number}`;

const selectClass = "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm";
const cellClass = "w-full rounded border border-slate-300 px-2 py-1 text-sm";

function NameFields({ base }: { base: ModulePath | IndicatorPath | ItemPath }) {
  const t = useTranslations("frameworkEditor");
  const { register } = useFormContext<Draft>();
  return (
    <>
      <TextField label={t("code")} {...register(`${base}.code`)} />
      <TextField label={t("nameZh")} {...register(`${base}.nameZh`)} />
      <TextField label={t("nameEn")} {...register(`${base}.nameEn`)} />
      <TextField label={t("points")} inputMode="decimal" {...register(`${base}.points`)} />
    </>
  );
}

export function ModuleFields({ base, editable }: { base: ModulePath; editable: boolean }) {
  const t = useTranslations("frameworkEditor");
  return (
    <fieldset disabled={!editable} className="grid gap-3 sm:grid-cols-2">
      <legend className="mb-2 text-lg font-semibold">{t("module")}</legend>
      <NameFields base={base} />
    </fieldset>
  );
}

export function IndicatorFields({ base, editable }: { base: IndicatorPath; editable: boolean }) {
  const t = useTranslations("frameworkEditor");
  const { register } = useFormContext<Draft>();
  return (
    <fieldset disabled={!editable} className="grid gap-3 sm:grid-cols-2">
      <legend className="mb-2 text-lg font-semibold">{t("indicator")}</legend>
      <NameFields base={base} />
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" {...register(`${base}.proposed`)} />
        {t("proposed")}
      </label>
    </fieldset>
  );
}

/** Every setting of an item, and a live preview of how it renders and scores. */
export function ItemFields({ base, editable }: { base: ItemPath; editable: boolean }) {
  const t = useTranslations("frameworkEditor");
  const tTypes = useTranslations("answerTypes");
  const tRules = useTranslations("ruleKinds");
  const tKinds = useTranslations("evidenceKinds");
  const { register, getValues, setValue, control } = useFormContext<Draft>();
  const item = useWatch({ control, name: base }) as DraftItem;
  // Changing the type or rule rewrites several fields at once; remounting the lists re-reads them.
  const [generation, setGeneration] = useState(0);
  const rewrite = (next: DraftItem) => {
    setValue(base, next, { shouldDirty: true });
    setGeneration((g) => g + 1);
  };
  const preview = draftItemPreview(item);
  const [sample, setSample] = useState<unknown>();
  const hasOptions = item.type === "single" || item.type === "multi";

  return (
    <div className="space-y-4">
      {/* Read-only rounds still show every setting and let the preview be tried. */}
      <fieldset disabled={!editable} className="space-y-4">
        <fieldset className="grid gap-3 sm:grid-cols-2">
          <legend className="mb-2 text-lg font-semibold">{t("item")}</legend>
          <NameFields base={base} />
          <div>
            <label htmlFor={`${base}-type`} className="mb-1 block text-sm font-medium text-slate-700">
              {t("type")}
            </label>
            <select
              id={`${base}-type`}
              className={selectClass}
              value={item.type}
              onChange={(e) => rewrite(withType(getValues(base), e.target.value as AnswerType))}
            >
              {ANSWER_TYPES.map((type) => (
                <option key={type} value={type}>
                  {tTypes(type)}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor={`${base}-rule`} className="mb-1 block text-sm font-medium text-slate-700">
              {t("rule")}
            </label>
            <select
              id={`${base}-rule`}
              className={selectClass}
              value={item.ruleKind}
              onChange={(e) => rewrite(withRule(getValues(base), e.target.value as ScoringRule["kind"]))}
            >
              {RULES_FOR_TYPE[item.type].map((kind) => (
                <option key={kind} value={kind}>
                  {tRules(kind)}
                </option>
              ))}
            </select>
          </div>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" {...register(`${base}.required`)} />
            {t("required")}
          </label>
        </fieldset>

        {item.ruleKind === "linear" && (
          <fieldset className="grid gap-3 sm:grid-cols-2">
            <legend className="mb-1 text-sm font-semibold">{t("linearParams")}</legend>
            <TextField label={t("lo")} inputMode="decimal" {...register(`${base}.lo`)} />
            <TextField label={t("hi")} inputMode="decimal" {...register(`${base}.hi`)} />
          </fieldset>
        )}
        {item.ruleKind === "bands" && <BandsTable key={generation} base={base} />}
        {item.ruleKind === "multi" && (
          <TextField label={t("pointsEach")} inputMode="decimal" {...register(`${base}.pointsEach`)} />
        )}
        {hasOptions && <OptionsTable key={generation} base={base} withFractions={item.ruleKind === "single"} />}

        {item.type === "number" && (
          <fieldset className="grid gap-3 sm:grid-cols-3">
            <legend className="mb-1 text-sm font-semibold">{t("numberSettings")}</legend>
            <TextField label={t("unitZh")} {...register(`${base}.unitZh`)} />
            <TextField label={t("unitEn")} {...register(`${base}.unitEn`)} />
            <TextField label={t("decimals")} inputMode="numeric" {...register(`${base}.decimals`)} />
            <TextField label={t("min")} inputMode="decimal" {...register(`${base}.min`)} />
            <TextField label={t("max")} inputMode="decimal" {...register(`${base}.max`)} />
          </fieldset>
        )}

        <fieldset>
          <legend className="mb-1 text-sm font-semibold">{t("evidence")}</legend>
          <div className="flex flex-wrap gap-x-4 gap-y-1">
            {EVIDENCE_KINDS.map((kind) => (
              <label key={kind} className="flex items-center gap-1.5 text-sm">
                <input type="checkbox" value={kind} {...register(`${base}.evidenceKinds`)} />
                {tKinds(kind)}
              </label>
            ))}
          </div>
          <label className="mt-2 flex items-center gap-2 text-sm">
            <input type="checkbox" {...register(`${base}.evidenceRequired`)} />
            {t("evidenceRequired")}
          </label>
        </fieldset>

        <fieldset className="grid gap-3 sm:grid-cols-2">
          <legend className="mb-1 text-sm font-semibold">{t("help")}</legend>
          <label className="text-sm">
            {t("helpZh")}
            <textarea rows={2} className={`${cellClass} mt-1`} {...register(`${base}.helpZh`)} />
          </label>
          <label className="text-sm">
            {t("helpEn")}
            <textarea rows={2} className={`${cellClass} mt-1`} {...register(`${base}.helpEn`)} />
          </label>
        </fieldset>
      </fieldset>

      {preview ? (
        <ItemPreview key={JSON.stringify(preview)} item={preview} sample={sample} onSample={setSample} />
      ) : (
        <p className="text-sm text-slate-600">{t("previewUnavailable")}</p>
      )}
    </div>
  );
}

function OptionsTable({ base, withFractions }: { base: ItemPath; withFractions: boolean }) {
  const t = useTranslations("frameworkEditor");
  const { register, control } = useFormContext<Draft>();
  const { fields, append, remove } = useFieldArray({ control, name: `${base}.options` });
  return (
    <fieldset>
      <legend className="mb-1 text-sm font-semibold">{t("options")}</legend>
      <table className="w-full text-sm">
        <thead className="text-left text-slate-600">
          <tr>
            <th scope="col" className="font-medium">
              {t("optionValue")}
            </th>
            <th scope="col" className="font-medium">
              {t("nameZh")}
            </th>
            <th scope="col" className="font-medium">
              {t("nameEn")}
            </th>
            {withFractions && (
              <th scope="col" className="font-medium">
                {t("fraction")}
              </th>
            )}
            <th scope="col">
              <span className="sr-only">{t("remove")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {fields.map((field, i) => (
            <tr key={field.id}>
              <td className="pr-2 pb-1">
                <input
                  aria-label={`${t("optionValue")} ${i + 1}`}
                  className={cellClass}
                  {...register(`${base}.options.${i}.value`)}
                />
              </td>
              <td className="pr-2 pb-1">
                <input
                  aria-label={`${t("nameZh")} ${i + 1}`}
                  className={cellClass}
                  {...register(`${base}.options.${i}.zh`)}
                />
              </td>
              <td className="pr-2 pb-1">
                <input
                  aria-label={`${t("nameEn")} ${i + 1}`}
                  className={cellClass}
                  {...register(`${base}.options.${i}.en`)}
                />
              </td>
              {withFractions && (
                <td className="pr-2 pb-1">
                  <input
                    aria-label={`${t("fraction")} ${i + 1}`}
                    inputMode="decimal"
                    className={cellClass}
                    {...register(`${base}.options.${i}.fraction`)}
                  />
                </td>
              )}
              <td className="pb-1">
                <button
                  type="button"
                  className="whitespace-nowrap text-red-700 hover:underline"
                  aria-label={t("removeNamed", { name: `${t("optionValue")} ${i + 1}` })}
                  onClick={() => remove(i)}
                >
                  {t("remove")}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button
        type="button"
        className="mt-1 text-sm text-brand-700 hover:underline"
        onClick={() => append({ value: `o${fields.length + 1}`, zh: "", en: "", fraction: "0" })}
      >
        {t("addOption")}
      </button>
    </fieldset>
  );
}

function BandsTable({ base }: { base: ItemPath }) {
  const t = useTranslations("frameworkEditor");
  const { register, control } = useFormContext<Draft>();
  const { fields, append, remove } = useFieldArray({ control, name: `${base}.bands` });
  return (
    <fieldset>
      <legend className="mb-1 text-sm font-semibold">{t("bands")}</legend>
      <p className="mb-1 text-xs text-slate-600">{t("bandsHint")}</p>
      <table className="text-sm">
        <thead className="text-left text-slate-600">
          <tr>
            <th scope="col" className="font-medium">
              {t("bandOp")}
            </th>
            <th scope="col" className="font-medium">
              {t("bandValue")}
            </th>
            <th scope="col" className="font-medium">
              {t("fraction")}
            </th>
            <th scope="col">
              <span className="sr-only">{t("remove")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {fields.map((field, i) => (
            <tr key={field.id}>
              <td className="pr-2 pb-1">
                <select
                  aria-label={`${t("bandOp")} ${i + 1}`}
                  className={cellClass}
                  {...register(`${base}.bands.${i}.op`)}
                >
                  <option value=">=">≥</option>
                  <option value=">">&gt;</option>
                </select>
              </td>
              <td className="pr-2 pb-1">
                <input
                  aria-label={`${t("bandValue")} ${i + 1}`}
                  inputMode="decimal"
                  className={cellClass}
                  {...register(`${base}.bands.${i}.value`)}
                />
              </td>
              <td className="pr-2 pb-1">
                <input
                  aria-label={`${t("fraction")} ${i + 1}`}
                  inputMode="decimal"
                  className={cellClass}
                  {...register(`${base}.bands.${i}.fraction`)}
                />
              </td>
              <td className="pb-1">
                <button
                  type="button"
                  className="whitespace-nowrap text-red-700 hover:underline"
                  aria-label={t("removeNamed", { name: `${t("bands")} ${i + 1}` })}
                  onClick={() => remove(i)}
                >
                  {t("remove")}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button
        type="button"
        className="mt-1 text-sm text-brand-700 hover:underline"
        onClick={() => append({ op: ">=", value: "0", fraction: "0" })}
      >
        {t("addBand")}
      </button>
    </fieldset>
  );
}
