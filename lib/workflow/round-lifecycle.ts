/**
 * The one round lifecycle: what may be done to a round in which state, by whom, and where it leads.
 * draft → (open) → open → (finalise) → finalised → (reopen) → open. A draft's framework, stages and cities
 * may change; opening freezes them; finalising freezes the results. Submissions move through their own table
 * (transitions.ts), which refuses everything unless the round is open. The data layer asks `decideRound`
 * inside the transaction that applies the change, after re-reading the round.
 */
import type { Role, RoundStatus } from "@/lib/domain";

export type RoundAction =
  | "open" // an admin opens a draft for reporting
  | "edit_framework" // replace the framework (file import or editor)
  | "set_participation" // choose the participating cities
  | "edit_settings" // name, year, cut-off date, deadlines
  | "finalise" // score, rank, sign and publish
  | "reopen" // back to open, to correct a finalised round
  | "assign_reviewers" // an admin adds or removes a reviewer of a module at a stage
  | "file_appeal" // city staff appeal a decision on an item of a verified module
  | "assign_appeal" // an admin hands a city's appeal to a reviewer
  | "decide_appeal" // a reviewer decides a city's appeal against a verified item
  | "draw_calibration" // an admin has a sample of submitted versions reviewed blind a second time
  | "calibrate"; // the second reviewer decides the items of a calibration

type Rule = { roles: Role[]; from: RoundStatus[]; to?: RoundStatus };

const TABLE: Record<RoundAction, Rule> = {
  open: { roles: ["admin"], from: ["draft"], to: "open" },
  edit_framework: { roles: ["admin"], from: ["draft"] },
  set_participation: { roles: ["admin"], from: ["draft"] },
  edit_settings: { roles: ["admin"], from: ["draft", "open"] },
  finalise: { roles: ["admin"], from: ["open"], to: "finalised" },
  reopen: { roles: ["admin"], from: ["finalised"], to: "open" },
  assign_reviewers: { roles: ["admin"], from: ["draft", "open"] },
  file_appeal: { roles: ["city_staff"], from: ["open"] },
  assign_appeal: { roles: ["admin"], from: ["open"] },
  decide_appeal: { roles: ["reviewer"], from: ["open"] },
  draw_calibration: { roles: ["admin"], from: ["open"] },
  calibrate: { roles: ["reviewer"], from: ["open"] },
};

/** Every action, in the table's order (its tests walk every cell). */
export const ROUND_ACTIONS = Object.keys(TABLE) as RoundAction[];

/** The one set of refusal keys (messages › errors): what the round would have to be. */
export type RoundRefusal =
  | "roleNotAllowed"
  | "roundNotDraft"
  | "roundNotOpen"
  | "roundNotFinalised"
  | "roundFinalised"
  | "reasonRequired"
  | "noCities";

const NEEDS: Record<RoundStatus, RoundRefusal> = {
  draft: "roundNotDraft",
  open: "roundNotOpen",
  finalised: "roundNotFinalised",
};

/**
 * Who acts on a round: a signed-in user, or null for the platform itself (seeding, maintenance scripts), which
 * has no role and is held to the states only. Every data-layer write of a round takes one.
 */
export type RoundActor = { id: number; role: Role } | null;

export type RoundContext = {
  status: RoundStatus;
  /** the acting user's role; "system" for the platform itself (an RoundActor of null) */
  role: Role | "system";
  /** open: how many cities take part */
  cityCount?: number;
  /** reopen: the admin's reason */
  reason?: string;
};

/** The role an actor acts in: a user's, or "system" for the platform itself. */
export function roleOf(actor: RoundActor): Role | "system" {
  return actor?.role ?? "system";
}

export type RoundDecision = { ok: true; to: RoundStatus } | { ok: false; reason: RoundRefusal };

export function decideRound(action: RoundAction, ctx: RoundContext): RoundDecision {
  const rule = TABLE[action];
  if (ctx.role !== "system" && !rule.roles.includes(ctx.role)) return { ok: false, reason: "roleNotAllowed" };
  if (!rule.from.includes(ctx.status)) {
    // Allowed in more than one state: then it is refused only once the round is finalised.
    return { ok: false, reason: rule.from.length === 1 ? NEEDS[rule.from[0]!] : "roundFinalised" };
  }
  if (action === "open" && !ctx.cityCount) return { ok: false, reason: "noCities" };
  if (action === "reopen" && !ctx.reason?.trim()) return { ok: false, reason: "reasonRequired" };
  return { ok: true, to: rule.to ?? ctx.status };
}

/** Whether the action is possible in this state at all (for showing or hiding a control; the server decides). */
export function roundAllows(action: RoundAction, status: RoundStatus): boolean {
  return TABLE[action].from.includes(status);
}
