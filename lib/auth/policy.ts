/**
 * The one authorization policy: every "may this user do this to that" question is answered here, from
 * facts the caller loads (db/assignments.ts › reviewerAssignments for a reviewer's modules and stages).
 * Pages, route handlers, server actions and the loaders in db/ ask these functions; none re-states a rule.
 * Role gates of whole endpoints (which roles may call an action at all) sit in lib/action.ts; workflow
 * states (what may happen to a submission now) in lib/workflow/transitions.ts.
 */
import type { Role } from "@/lib/domain";

export type Actor = { id: number; role: Role; cityId: number | null };
/** One reviewer assignment: this module, at this stage. */
export type Assignment = { moduleId: number; stageId: number };

export function isAdmin(actor: Actor): boolean {
  return actor.role === "admin";
}

/** The lead (城市管理员) of this very city, and only they, act for the whole city. */
function isStaffOf(actor: Actor, cityId: number): boolean {
  return actor.role === "city_staff" && actor.cityId !== null && actor.cityId === cityId;
}

/** A department user (部门填报人) of this very city. */
function isDepartmentOf(actor: Actor, cityId: number): boolean {
  return actor.role === "department_staff" && actor.cityId !== null && actor.cityId === cityId;
}

function assignedToModule(actor: Actor, moduleId: number, assignments: readonly Assignment[]): boolean {
  return actor.role === "reviewer" && assignments.some((a) => a.moduleId === moduleId);
}

/** A city's pages (dashboard, questionnaires, preliminary results): its own staff, and admins. */
export function maySeeCity(actor: Actor, cityId: number): boolean {
  return isAdmin(actor) || isStaffOf(actor, cityId);
}

/**
 * A city's questionnaires (its dashboard and module pages): its lead and admins see every item, a department
 * user of the city only the items assigned to them (mayFillItem); results, appeals, the library and submission
 * forms stay the lead's (maySeeCity).
 */
export function mayOpenQuestionnaire(actor: Actor, cityId: number): boolean {
  return maySeeCity(actor, cityId) || isDepartmentOf(actor, cityId);
}

/**
 * Answering an item and its evidence: the city's lead any item; a department user of the city only the items the
 * lead assigned to them (`assigneeId`, null when the item is the lead's own). The workflow decides whether now.
 */
export function mayFillItem(actor: Actor, cityId: number, assigneeId: number | null): boolean {
  return isStaffOf(actor, cityId) || (isDepartmentOf(actor, cityId) && assigneeId === actor.id);
}

/** Inviting department users and assigning them items: the city's lead; admins see the page, never change it. */
export function mayManageDepartments(actor: Actor, cityId: number): boolean {
  return isStaffOf(actor, cityId);
}

/** Submitting, replying to queries, appealing and the evidence library: only the city's lead. */
export function mayActForCity(actor: Actor, cityId: number): boolean {
  return isStaffOf(actor, cityId);
}

/** The city a user fills in for (their own), or null for admins and reviewers, who never do. */
export function actingCityOf(actor: Actor): number | null {
  return actor.role === "city_staff" || actor.role === "department_staff" ? actor.cityId : null;
}

export type SubmissionFacts = { cityId: number; moduleId: number /** times submitted; 0 = never */; version: number };

/**
 * A submission with its versions and review history: admins; the city's staff; reviewers assigned to its
 * module (at any stage), once it has been submitted at least once — a draft never submitted is the city's alone.
 */
export function maySeeSubmission(actor: Actor, sub: SubmissionFacts, assignments: readonly Assignment[]): boolean {
  if (isAdmin(actor) || isStaffOf(actor, sub.cityId)) return true;
  return sub.version > 0 && assignedToModule(actor, sub.moduleId, assignments);
}

/** Deciding items, approving or returning: a reviewer assigned to the module at the stage the submission is in. */
export function mayDecideAtStage(
  actor: Actor,
  sub: { moduleId: number; stageId: number | null },
  assignments: readonly Assignment[],
): boolean {
  return (
    actor.role === "reviewer" &&
    sub.stageId !== null &&
    assignments.some((a) => a.moduleId === sub.moduleId && a.stageId === sub.stageId)
  );
}

/**
 * An appeal: the reviewer an admin assigned it to, or else a reviewer assigned at the stage whose decision
 * on the item is in force (the adjusting stage, or the last one).
 */
export function mayDecideAppeal(
  actor: Actor,
  appeal: { assignedTo: number | null },
  decidingStage: { moduleId: number; stageId: number },
  assignments: readonly Assignment[],
): boolean {
  if (actor.role !== "reviewer") return false;
  return appeal.assignedTo !== null
    ? appeal.assignedTo === actor.id
    : mayDecideAtStage(actor, decidingStage, assignments);
}

/**
 * Whether an evidence file went into the version the city last submitted: every file still there at a
 * submission is in its snapshot, so it is one uploaded before that submission and not deleted since.
 */
export function isInSubmittedVersion(
  ev: { uploadedAt: Date; deletedAt: Date | null },
  lastSubmittedAt: Date | null,
): boolean {
  return ev.deletedAt === null && lastSubmittedAt !== null && ev.uploadedAt <= lastSubmittedAt;
}

export type EvidenceFacts = SubmissionFacts & {
  /** the department user the file's item is assigned to, or null for the lead's own items */
  assigneeId: number | null;
  deleted: boolean;
  /** the file was part of a version the city submitted (uploaded before the latest submission and still there) */
  submitted: boolean;
  /** the blind second reviewers of a calibrated version the file was part of (lib/review/calibration.ts) */
  secondReviewerIds: readonly number[];
};

/**
 * An evidence file: the city's lead, and the department user its item is assigned to, while it is not deleted;
 * reviewers of its module only once it was part of a submitted version and not deleted since, and the blind second
 * reviewer of a calibrated version it was part of; deleted files only admins (the audit trail keeps them).
 */
export function mayDownloadEvidence(actor: Actor, ev: EvidenceFacts, assignments: readonly Assignment[]): boolean {
  if (isAdmin(actor)) return true;
  if (ev.deleted) return false;
  if (mayFillItem(actor, ev.cityId, ev.assigneeId)) return true;
  if (actor.role === "reviewer" && ev.secondReviewerIds.includes(actor.id)) return true;
  return ev.submitted && maySeeSubmission(actor, ev, assignments);
}

/**
 * A file of a city's evidence library: its staff while it is in the library, and admins (a file taken out of the
 * library, like a deleted evidence file, is for admins only).
 */
export function mayDownloadLibraryFile(actor: Actor, file: { cityId: number; removed: boolean }): boolean {
  return isAdmin(actor) || (!file.removed && isStaffOf(actor, file.cityId));
}

/**
 * Choosing a file of a city's library for an item: the city's lead any; a department user only a file they
 * uploaded or one already attached to an item assigned to them (other departments' files are not theirs to see).
 */
export function mayUseLibraryFile(
  actor: Actor,
  file: { cityId: number; uploadedBy: number; onOwnItem: boolean },
): boolean {
  return (
    isStaffOf(actor, file.cityId) ||
    (isDepartmentOf(actor, file.cityId) && (file.uploadedBy === actor.id || file.onOwnItem))
  );
}

/**
 * Which other cities submitted the same file (by SHA-256) as the city under review: reviewers and admins, who
 * weigh it; never city staff, who must not learn other cities' files.
 */
export function maySeeOtherCitiesFiles(actor: Actor): boolean {
  return actor.role === "reviewer" || isAdmin(actor);
}

/** A finalised city scorecard: admins and reviewers see every city's, a city's lead only their own. */
export function maySeeScorecard(actor: Actor, cityId: number): boolean {
  return isAdmin(actor) || actor.role === "reviewer" || isStaffOf(actor, cityId);
}

/**
 * A verification bundle (lib/verify/bundle.ts): the whole round's, with every city's inputs, for admins; one
 * city's part for that city's staff and admins.
 */
export function mayDownloadBundle(actor: Actor, scope: { kind: "round" } | { kind: "city"; cityId: number }): boolean {
  return isAdmin(actor) || (scope.kind === "city" && isStaffOf(actor, scope.cityId));
}

/**
 * A round through the API (its framework, the user's own city's answers and status): admins any; a city's lead and
 * department users a round their city takes part in, once open; reviewers a round they are assigned in.
 */
export function maySeeRound(
  actor: Actor,
  round: { status: "draft" | "open" | "finalised"; cityInRound: boolean; assigned: boolean },
): boolean {
  if (isAdmin(actor)) return true;
  if (round.status === "draft") return false;
  if (actor.role === "reviewer") return round.assigned;
  return (actor.role === "city_staff" || actor.role === "department_staff") && round.cityInRound;
}

/**
 * Plausibility flags of a submitted version (and dismissing one): its module's reviewers and admins, never the
 * city, which hears of a flag only as the query a reviewer sends.
 */
export function maySeeFlags(actor: Actor, sub: SubmissionFacts, assignments: readonly Assignment[]): boolean {
  return isAdmin(actor) || (sub.version > 0 && assignedToModule(actor, sub.moduleId, assignments));
}

/** Drawing a calibration sample and reading how far reviewers agree (审核一致性校准): admins, who run the round. */
export function mayManageCalibration(actor: Actor): boolean {
  return isAdmin(actor);
}

/**
 * A blind second review (calibration) of a submitted version: the reviewer it was given to decides its items and sees
 * the version only, never the first review; admins read both side by side. Nobody else sees it, the first reviewers
 * included, so that neither review leans on the other.
 */
export function mayCalibrate(actor: Actor, calibration: { reviewerId: number }): boolean {
  return actor.role === "reviewer" && calibration.reviewerId === actor.id;
}

export function maySeeCalibration(actor: Actor, calibration: { reviewerId: number }): boolean {
  return isAdmin(actor) || mayCalibrate(actor, calibration);
}

/** Reminding cities of a deadline (催报), with a preview of who gets it: admins, who run the round. */
export function maySendReminders(actor: Actor): boolean {
  return isAdmin(actor);
}

/** The ranking of every city as files (CSV, Excel): admins and reviewers, not city staff. */
export function mayExportResults(actor: Actor): boolean {
  return actor.role === "admin" || actor.role === "reviewer";
}
