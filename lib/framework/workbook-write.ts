/** Writing a framework file as a workbook (the format: ./workbook.ts); `workbookToFramework` reads it back unchanged. */
import ExcelJS from "exceljs";
import {
  type FrameworkFile,
  type FrameworkIndicator,
  type FrameworkItem,
  type FrameworkModule,
  type ItemOption,
  type ScoringRule,
} from "./schema";
import {
  FRAMEWORK_COLUMNS,
  FRAMEWORK_SHEET,
  ITEM_COLUMNS,
  ITEMS_SHEET,
  type ItemColumn,
  RULE_COLUMNS,
  RULES_SHEET,
} from "./workbook";

const yesNo = (value: boolean) => (value ? "yes" : "no");

function formatOptions(options: ItemOption[] | undefined): string | undefined {
  return options?.map((o) => `${o.value} | ${o.label.zh} | ${o.label.en}`).join("\n");
}

function formatRuleParams(rule: ScoringRule): string | undefined {
  switch (rule.kind) {
    case "linear":
      return `lo=${rule.lo}; hi=${rule.hi}`;
    case "bands":
      return rule.bands.map((b) => `${b.op} ${b.value} → ${b.fraction}`).join("\n");
    case "single":
      return Object.entries(rule.fractions)
        .map(([value, fraction]) => `${value} = ${fraction}`)
        .join("\n");
    case "multi":
      return `each=${rule.pointsEach}`;
    default:
      return undefined;
  }
}

function itemRow(
  mod: FrameworkModule,
  ind: FrameworkIndicator,
  item: FrameworkItem,
): Record<ItemColumn, string | number | undefined> {
  return {
    module_code: mod.code,
    module_name_zh: mod.name.zh,
    module_name_en: mod.name.en,
    module_points: mod.points,
    indicator_code: ind.code,
    indicator_name_zh: ind.name.zh,
    indicator_name_en: ind.name.en,
    indicator_points: ind.points,
    indicator_proposed: yesNo(ind.proposed),
    item_code: item.code,
    item_name_zh: item.name.zh,
    item_name_en: item.name.en,
    type: item.type,
    unit_zh: item.unit?.zh,
    unit_en: item.unit?.en,
    options: formatOptions(item.options),
    min: item.min,
    max: item.max,
    decimals: item.decimals,
    required: yesNo(item.required),
    rule: item.rule.kind,
    rule_params: formatRuleParams(item.rule),
    points: item.points,
    evidence_kinds: item.evidence.kinds.join(", "),
    evidence_required: yesNo(item.evidence.required),
    help_zh: item.help?.zh,
    help_en: item.help?.en,
  };
}

function addSheet(workbook: ExcelJS.Workbook, name: string, widths: Record<string, number>): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(name, { views: [{ state: "frozen", ySplit: 1 }] });
  // Top-aligned and wrapped, so that multi-line options and bands stay readable next to one-line cells.
  sheet.columns = Object.entries(widths).map(([key, width]) => ({
    header: key,
    key,
    width: Math.max(width, key.length + 2),
    style: { alignment: { vertical: "top", wrapText: true } },
  }));
  sheet.getRow(1).font = { bold: true };
  return sheet;
}

/** The framework as a workbook; `workbookToFramework` reads it back unchanged. */
export function frameworkToWorkbook(fw: FrameworkFile): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  addSheet(workbook, FRAMEWORK_SHEET, FRAMEWORK_COLUMNS).addRow({
    year: fw.year,
    name_zh: fw.name.zh,
    name_en: fw.name.en,
    total: fw.total,
  });
  const items = addSheet(workbook, ITEMS_SHEET, ITEM_COLUMNS);
  for (const mod of fw.modules) {
    for (const ind of mod.indicators) {
      for (const item of ind.items) items.addRow(itemRow(mod, ind, item));
    }
  }
  const rules = addSheet(workbook, RULES_SHEET, RULE_COLUMNS);
  for (const rule of fw.rules)
    rules.addRow({
      code: rule.code,
      expr: rule.expr,
      level: rule.level,
      message_zh: rule.message.zh,
      message_en: rule.message.en,
    });
  return workbook;
}

// ---------------------------------------------------------------- reading
