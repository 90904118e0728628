/** A round's framework as the questionnaire, the engine and the report read it: modules → indicators → items. */
import "server-only";
import { and, asc, eq, inArray } from "drizzle-orm";
import type { ScoringRule } from "@/lib/framework/schema";
import type { Db, Tx } from "./client";
import { indicators, items, modules } from "./schema";

export type QuestionnaireItem = typeof items.$inferSelect;
export type ShapeItem = QuestionnaireItem & { rule: ScoringRule };
export type ShapeIndicator = { code: string; maxPoints: number; indicator: typeof indicators.$inferSelect; items: ShapeItem[] };
export type ShapeModule = { code: string; maxPoints: number; module: typeof modules.$inferSelect; indicators: ShapeIndicator[] };

/** Items of a round's modules in framework order, nested as the scoring engine expects. */
export function loadFrameworkShape(db: Db | Tx, roundId: number, moduleIds?: number[]): ShapeModule[] {
  const rows = db
    .select({ module: modules, indicator: indicators, item: items })
    .from(items)
    .innerJoin(indicators, eq(indicators.id, items.indicatorId))
    .innerJoin(modules, eq(modules.id, indicators.moduleId))
    .where(and(eq(modules.roundId, roundId), moduleIds ? inArray(modules.id, moduleIds) : undefined))
    .orderBy(asc(modules.position), asc(indicators.position), asc(items.position))
    .all();
  const shape: ShapeModule[] = [];
  for (const row of rows) {
    let mod = shape.at(-1);
    if (mod?.module.id !== row.module.id) {
      mod = { code: row.module.code, maxPoints: row.module.maxPoints, module: row.module, indicators: [] };
      shape.push(mod);
    }
    let ind = mod.indicators.at(-1);
    if (ind?.indicator.id !== row.indicator.id) {
      ind = { code: row.indicator.code, maxPoints: row.indicator.maxPoints, indicator: row.indicator, items: [] };
      mod.indicators.push(ind);
    }
    ind.items.push({ ...row.item, rule: row.item.scoringRule });
  }
  return shape;
}
