/**
 * A round's framework: as the questionnaire, the engine and the report read it (modules → indicators → items),
 * and its file format (data/frameworks) ⇄ the round's rows.
 */
import "server-only";
import { and, asc, eq, inArray } from "drizzle-orm";
import { frameworkToFile, type ItemRow, indicatorFromFile, itemFromFile, moduleFromFile } from "@/lib/framework/item";
import { frameworkRevision } from "@/lib/framework/revision";
import type { FrameworkFile } from "@/lib/framework/schema";
import { type CompiledRule, compileRules } from "@/lib/validation/rules";
import { decideRound, type RoundActor, type RoundRefusal, roleOf } from "@/lib/workflow/round-lifecycle";
import { appendAudit } from "./audit";
import type { Db, Tx } from "./client";
import { indicators, items, modules, reviewAssignments, rounds } from "./schema";

/** An item row: the fields of lib/framework/item.ts Item under the same names, plus where it sits. */
export type QuestionnaireItem = ItemRow<typeof items.$inferSelect>;
export type ShapeIndicator = {
  code: string;
  maxPoints: number;
  indicator: typeof indicators.$inferSelect;
  items: QuestionnaireItem[];
};
export type ShapeModule = {
  code: string;
  maxPoints: number;
  module: typeof modules.$inferSelect;
  indicators: ShapeIndicator[];
};

/** One item of any round's framework, or null. */
export function getItem(db: Db | Tx, itemId: number): QuestionnaireItem | null {
  return db.select().from(items).where(eq(items.id, itemId)).get() ?? null;
}

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
    ind.items.push(row.item);
  }
  return shape;
}

/**
 * The round's validation rules, compiled against its items (lib/validation/rules.ts); optionally one module's.
 * A rule that no longer compiles (it was checked when the framework was saved) is left out rather than trusted.
 */
export function roundRules(db: Db | Tx, roundId: number, moduleCode?: string): CompiledRule[] {
  const round = db.select({ rules: rounds.validationRules }).from(rounds).where(eq(rounds.id, roundId)).get();
  if (!round?.rules.length) return [];
  const ruleItems = loadFrameworkShape(db, roundId).flatMap((m) =>
    m.indicators.flatMap((i) => i.items.map((x) => ({ code: x.code, type: x.answerType, module: m.code }))),
  );
  const { rules } = compileRules(round.rules, ruleItems);
  return moduleCode ? rules.filter((r) => r.module === moduleCode) : rules;
}

/** Writes a framework file's modules, indicators and items as rows of the round (points in hundredths). */
export function insertFramework(tx: Tx, roundId: number, framework: FrameworkFile): void {
  tx.update(rounds).set({ validationRules: framework.rules }).where(eq(rounds.id, roundId)).run();
  framework.modules.forEach((mod, mi) => {
    const { id: moduleId } = tx
      .insert(modules)
      .values({ roundId, ...moduleFromFile(mod), position: mi + 1 })
      .returning({ id: modules.id })
      .get();
    mod.indicators.forEach((ind, ii) => {
      const { id: indicatorId } = tx
        .insert(indicators)
        .values({ moduleId, ...indicatorFromFile(ind), position: ii + 1 })
        .returning({ id: indicators.id })
        .get();
      tx.insert(items)
        .values(
          ind.items.map((item, position) => ({ indicatorId, roundId, ...itemFromFile(item), position: position + 1 })),
        )
        .run();
    });
  });
}

/** A round's framework in the file format of data/frameworks (points back in decimals). */
export function exportFramework(db: Db, roundId: number): FrameworkFile {
  const round = db.select().from(rounds).where(eq(rounds.id, roundId)).get();
  if (!round) throw new Error(`no round ${roundId}`);
  const tree = loadFrameworkShape(db, roundId).map((m) => ({
    ...m.module,
    indicators: m.indicators.map((i) => ({ ...i.indicator, items: i.items })),
  }));
  return { ...frameworkToFile(round.year, round.name, tree), rules: round.validationRules };
}

/**
 * Replaces a draft round's framework with a validated one. Only drafts: opening a round freezes its framework.
 */
export function replaceFramework(
  db: Db,
  actor: RoundActor,
  roundId: number,
  framework: FrameworkFile,
  /** the revision the editor loaded (`frameworkRevision`); a file import replaces whatever is there */
  expectedRevision?: string,
): { ok: true; revision: string } | { ok: false; reason: "notFound" | "frameworkChanged" | RoundRefusal } {
  return db.transaction(
    (tx) => {
      const round = tx.select().from(rounds).where(eq(rounds.id, roundId)).get();
      if (!round) return { ok: false as const, reason: "notFound" as const };
      const decision = decideRound("edit_framework", { status: round.status, role: roleOf(actor) });
      if (!decision.ok) return decision;
      if (expectedRevision !== undefined && frameworkRevision(exportFramework(db, roundId)) !== expectedRevision) {
        return { ok: false as const, reason: "frameworkChanged" as const };
      }
      // Reviewer assignments hang off module rows; keep them for every module whose code survives.
      const assigned = tx
        .select({ code: modules.code, stageId: reviewAssignments.stageId, reviewerId: reviewAssignments.reviewerId })
        .from(reviewAssignments)
        .innerJoin(modules, eq(modules.id, reviewAssignments.moduleId))
        .where(eq(reviewAssignments.roundId, roundId))
        .all();
      tx.delete(modules).where(eq(modules.roundId, roundId)).run();
      insertFramework(tx, roundId, framework);
      const moduleIds = new Map(
        tx
          .select({ id: modules.id, code: modules.code })
          .from(modules)
          .where(eq(modules.roundId, roundId))
          .all()
          .map((m) => [m.code, m.id]),
      );
      const kept = assigned.flatMap((a) =>
        moduleIds.has(a.code)
          ? [{ roundId, moduleId: moduleIds.get(a.code)!, stageId: a.stageId, reviewerId: a.reviewerId }]
          : [],
      );
      if (kept.length) tx.insert(reviewAssignments).values(kept).run();
      const itemCount = framework.modules.flatMap((m) => m.indicators).flatMap((i) => i.items).length;
      appendAudit(tx, {
        actorId: actor?.id ?? null,
        action: "round.framework_replaced",
        entityType: "round",
        entityId: roundId,
        roundId,
        after: {
          modules: framework.modules.length,
          items: itemCount,
          total: framework.total,
          rules: framework.rules.map((r) => r.code),
        },
      });
      return { ok: true as const, revision: frameworkRevision(framework) };
    },
    { behavior: "immediate" },
  );
}
