/**
 * The one rule for an item's value in force: what is scored live, shown to the city and the reviewers,
 * frozen at finalisation, exported and recomputed. Only decisions of the submission's current version
 * count; a decision on an item the city did not change is carried into each new version
 * (`db/reviews.ts › carryDecisions`), so an adjustment stays in force until a reviewer withdraws it or the
 * city changes the item. Among the current version's adjustments, the latest stage's wins.
 */
import type { Item } from "@/lib/framework/item";
import type { ScorableAnswer, UrlJudgement } from "@/lib/scoring/engine";

export type Adjustment = { adjustedValue: unknown; stagePosition: number };

/** The adjustment in force among an item's decisions of the current version: the latest stage's, if any. */
export function adjustmentInForce<T extends Adjustment & { action: string }>(decisions: T[]): T | undefined {
  return decisions.filter((d) => d.action === "adjust").sort((a, b) => b.stagePosition - a.stagePosition)[0];
}

/**
 * What is scored: the adjusted value, or the city's own answer. A link's adjustment is the reviewer's
 * judgement of the link, scored together with the city's answer.
 */
export function valueInForce(
  item: Pick<Item, "answerType">,
  answer: { value: unknown; notApplicableReason: string | null } | undefined,
  adjustment: Pick<Adjustment, "adjustedValue"> | undefined,
): ScorableAnswer | undefined {
  if (!adjustment) return answer ? { value: answer.value, notApplicable: !!answer.notApplicableReason } : undefined;
  if (item.answerType === "url")
    return {
      value: answer?.value ?? null,
      notApplicable: !!answer?.notApplicableReason,
      urlJudgement: adjustment.adjustedValue as UrlJudgement,
    };
  return { value: adjustment.adjustedValue, notApplicable: false };
}

/** What a frozen version holds (`submission_versions.snapshot`). */
type Snapshot = {
  answers: { itemCode: string; value: unknown; notApplicableReason: string | null }[];
  evidence: { itemCode: string; sha256: string | null; url: string | null; originalName: string | null }[];
};

export type DiffEntry = {
  itemCode: string;
  before: { value: unknown; notApplicableReason: string | null } | null;
  after: { value: unknown; notApplicableReason: string | null } | null;
  valueChanged: boolean;
  evidenceAdded: string[];
  evidenceRemoved: string[];
};

/** Per item, what changed between two frozen versions: value, not-applicable reason and evidence (by hash or link). */
export function diffVersions(previous: Snapshot | undefined, current: Snapshot, itemCodes: string[]): DiffEntry[] {
  const evidenceKeys = (snap: Snapshot | undefined, code: string) =>
    new Map(
      (snap?.evidence ?? [])
        .filter((e) => e.itemCode === code)
        .map((e) => [e.sha256 ?? e.url ?? "", e.originalName ?? e.url ?? ""]),
    );
  return itemCodes.map((code) => {
    const before = previous?.answers.find((a) => a.itemCode === code) ?? null;
    const after = current.answers.find((a) => a.itemCode === code) ?? null;
    const oldEvidence = evidenceKeys(previous, code);
    const newEvidence = evidenceKeys(current, code);
    return {
      itemCode: code,
      before: before && { value: before.value, notApplicableReason: before.notApplicableReason },
      after: after && { value: after.value, notApplicableReason: after.notApplicableReason },
      valueChanged:
        JSON.stringify([before?.value ?? null, before?.notApplicableReason ?? null]) !==
        JSON.stringify([after?.value ?? null, after?.notApplicableReason ?? null]),
      evidenceAdded: [...newEvidence].filter(([key]) => !oldEvidence.has(key)).map(([, name]) => name),
      evidenceRemoved: [...oldEvidence].filter(([key]) => !newEvidence.has(key)).map(([, name]) => name),
    };
  });
}

/** Whether the city changed the item between two versions: its value, its not-applicable state or reason, or its evidence. */
export function isChanged(entry: DiffEntry): boolean {
  return entry.valueChanged || entry.evidenceAdded.length > 0 || entry.evidenceRemoved.length > 0;
}

/** The codes of the items the city changed since the previous version (none for a first version). */
export function changedItemCodes(previous: Snapshot | undefined, current: Snapshot, itemCodes: string[]): Set<string> {
  if (!previous) return new Set();
  return new Set(
    diffVersions(previous, current, itemCodes)
      .filter(isChanged)
      .map((d) => d.itemCode),
  );
}
