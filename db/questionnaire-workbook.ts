/**
 * A module's questionnaire as an Excel workbook for a city (lib/questionnaire/workbook.ts): the data it is written
 * from, and an uploaded one applied as ordinary saves — each based on the revision it was downloaded with, all of
 * them or none, audited as one import.
 */
import "server-only";
import { actingCityOf, mayActForCity } from "@/lib/auth/policy";
import type { SessionUser } from "@/lib/domain";
import {
  type ImportLine,
  type ProposedAnswer,
  planWorkbookImport,
  type StoredAnswer,
} from "@/lib/questionnaire/workbook";
import { saveAnswer } from "./answers";
import { appendAudit } from "./audit";
import { getCityById } from "./cities";
import type { Db } from "./client";
import { itemEditability } from "./editing";
import { isCityInRound } from "./rounds";
import { getQuestionnaire } from "./submissions";

/** The module's items in framework order, the city's stored answers and whether each item can change now. */
export function loadWorkbookData(db: Db, user: SessionUser, roundId: number, moduleCode: string) {
  const cityId = actingCityOf(user);
  // The whole module's workbook is the city's lead's (a department user sees only their items).
  if (cityId === null || !mayActForCity(user, cityId)) return null;
  const city = getCityById(db, cityId);
  const questionnaire = isCityInRound(db, roundId, cityId) ? getQuestionnaire(db, roundId, cityId, moduleCode) : null;
  if (!city || !questionnaire) return null;
  const items = questionnaire.indicators.flatMap((i) => i.items);
  const codeOf = new Map(items.map((i) => [i.id, i.code]));
  const stored = new Map<string, StoredAnswer>(
    questionnaire.answers.map((a) => [
      codeOf.get(a.itemId) ?? "",
      {
        value: a.value,
        notApplicableReason: a.notApplicableReason,
        revision: a.revision,
        prefilled: !!a.prefilledFromRoundId,
      },
    ]),
  );
  const editability = itemEditability(db, user, roundId);
  const idOf = new Map(items.map((i) => [i.code, i.id]));
  return {
    city,
    module: questionnaire.module,
    items,
    stored,
    idOf,
    refusalOf: (code: string) => {
      const id = idOf.get(code);
      return id !== undefined && editability.has(id) ? editability.get(id)! : "notFound";
    },
  };
}

export type ApplyResult =
  | { ok: true; changed: string[] }
  | { ok: false; reason: "notFound" }
  | { ok: false; reason: "importNotApplicable"; plan: ImportLine[] };

/**
 * Applies what an uploaded workbook proposes: only if nothing conflicts and no changed item is locked (planned
 * again here, inside the write transaction); every change is an ordinary save from the revision it was downloaded
 * with, and one refused save undoes them all.
 */
export function applyWorkbookImport(
  db: Db,
  user: SessionUser,
  roundId: number,
  moduleCode: string,
  proposed: ProposedAnswer[],
  file: { name: string; sha256: string },
  now = new Date(),
): ApplyResult {
  try {
    return db.transaction(
      (): ApplyResult => {
        const data = loadWorkbookData(db, user, roundId, moduleCode);
        if (!data) return { ok: false, reason: "notFound" };
        const plan = planWorkbookImport(proposed, data.stored, data.refusalOf);
        if (plan.some((line) => line.status === "conflict" || line.status === "locked"))
          return { ok: false, reason: "importNotApplicable", plan };
        const changed = plan.flatMap((line) => (line.status === "changed" ? [line] : []));
        for (const line of changed) {
          const saved = saveAnswer(
            db,
            user,
            {
              itemId: data.idOf.get(line.code)!,
              baseRevision: line.to.baseRevision,
              value: line.to.value,
              notApplicableReason: line.to.notApplicableReason,
            },
            now,
          );
          // Planned in this very transaction, so a refusal cannot happen; if it did, nothing of the import stays.
          if (!saved.ok) throw new ImportRefused(line.code, saved.reason);
        }
        if (changed.length) {
          const sub = getQuestionnaire(db, roundId, data.city.id, moduleCode)!.submission!;
          appendAudit(db, {
            actorId: user.id,
            action: "questionnaire.imported",
            entityType: "submission",
            entityId: sub.id,
            roundId,
            cityId: data.city.id,
            after: { moduleCode, file: file.name, sha256: file.sha256, items: changed.map((line) => line.code) },
          });
        }
        return { ok: true, changed: changed.map((line) => line.code) };
      },
      { behavior: "immediate" },
    );
  } catch (error) {
    if (error instanceof ImportRefused) return { ok: false, reason: "importNotApplicable", plan: [] };
    throw error;
  }
}

class ImportRefused extends Error {
  constructor(
    readonly code: string,
    readonly reason: string,
  ) {
    super(`${code}: ${reason}`);
  }
}
