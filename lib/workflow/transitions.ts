/**
 * The one submission workflow: which role may do what in which state, and where it leads.
 * draft → submitted → in_review(stage k) → verified; in_review → returned → (resubmit) submitted, version + 1.
 * The data layer asks `decide` inside the transaction that applies the change, after re-reading the state.
 */
import type { Role, RoundStatus, SubmissionStatus } from "@/lib/domain";

export type WorkflowAction =
  | "edit" // the city's lead or a department user changes an answer or evidence
  | "submit" // the city's lead (alone) submits the module (again)
  | "review_item" // a reviewer accepts, adjusts or queries an item
  | "approve" // a reviewer approves the stage
  | "return" // a reviewer returns the module for revision
  | "reply" // city staff answer a reviewer's query
  | "reopen" // an admin sends a verified module back to the first stage as a new version
  | "mark_not_submitted"; // an admin closes a module the city never completed

export const WORKFLOW_ACTIONS: WorkflowAction[] = [
  "edit",
  "submit",
  "review_item",
  "approve",
  "return",
  "reply",
  "reopen",
  "mark_not_submitted",
];

type Rule = { roles: Role[]; from: SubmissionStatus[] };

const TABLE: Record<WorkflowAction, Rule> = {
  // A department user edits only the items assigned to them (db/editing.ts asks lib/auth/policy.ts › mayFillItem).
  edit: { roles: ["city_staff", "department_staff"], from: ["draft", "returned"] },
  submit: { roles: ["city_staff"], from: ["draft", "returned"] },
  review_item: { roles: ["reviewer"], from: ["submitted", "in_review"] },
  approve: { roles: ["reviewer"], from: ["submitted", "in_review"] },
  return: { roles: ["reviewer"], from: ["submitted", "in_review"] },
  reply: { roles: ["city_staff"], from: ["returned"] },
  reopen: { roles: ["admin"], from: ["verified"] },
  mark_not_submitted: { roles: ["admin"], from: ["draft", "submitted", "in_review", "returned"] },
};

export type WorkflowContext = {
  role: Role;
  state: SubmissionStatus;
  roundStatus: RoundStatus;
  /** the submission deadline has passed (refuses submit) */
  pastDeadline?: boolean;
  /** reviewer actions: the reviewer is assigned to this module at the submission's current stage */
  assigned?: boolean;
  /** reviewer actions: the reviewer already decided this version at another stage (separation of duties) */
  reviewedAtOtherStage?: boolean;
  /** approve: the stage is the round's last one */
  lastStage?: boolean;
  /** return: at least one item carries a query for this version */
  hasQuery?: boolean;
  /** reopen, mark_not_submitted: the admin's reason */
  reason?: string;
};

export type WorkflowRefusal =
  | "roundNotOpen"
  | "roleNotAllowed"
  | "wrongState"
  | "pastDeadline"
  | "notAssigned"
  | "sameReviewerTwice"
  | "returnNeedsQuery"
  | "reasonRequired";

export type WorkflowDecision = { ok: true; to: SubmissionStatus } | { ok: false; reason: WorkflowRefusal };

export function decide(action: WorkflowAction, ctx: WorkflowContext): WorkflowDecision {
  const rule = TABLE[action];
  // Nothing changes in a draft or finalised round.
  if (ctx.roundStatus !== "open") return { ok: false, reason: "roundNotOpen" };
  if (!rule.roles.includes(ctx.role)) return { ok: false, reason: "roleNotAllowed" };
  if (!rule.from.includes(ctx.state)) return { ok: false, reason: "wrongState" };

  if (ctx.role === "reviewer") {
    if (!ctx.assigned) return { ok: false, reason: "notAssigned" };
    if (ctx.reviewedAtOtherStage) return { ok: false, reason: "sameReviewerTwice" };
  }
  switch (action) {
    case "edit":
    case "reply":
      return { ok: true, to: ctx.state };
    case "submit":
      return ctx.pastDeadline ? { ok: false, reason: "pastDeadline" } : { ok: true, to: "submitted" };
    case "review_item":
      return { ok: true, to: "in_review" };
    case "approve":
      return { ok: true, to: ctx.lastStage ? "verified" : "in_review" };
    case "return":
      return ctx.hasQuery ? { ok: true, to: "returned" } : { ok: false, reason: "returnNeedsQuery" };
    case "reopen":
    case "mark_not_submitted":
      return ctx.reason?.trim()
        ? { ok: true, to: action === "reopen" ? "submitted" : "not_submitted" }
        : { ok: false, reason: "reasonRequired" };
  }
}

/** Whether a deadline has passed (no deadline never passes). */
export function isPastDeadline(deadline: Date | null | undefined, now = new Date()): boolean {
  return !!deadline && now > deadline;
}
