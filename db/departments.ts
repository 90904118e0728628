/**
 * Departments inside a city: the city's lead (城市管理员, role city_staff) invites department users (部门填报人)
 * and assigns them items of a round; a department user fills only those (db/editing.ts asks assigneeOf), the lead
 * follows the progress per department and alone submits (lib/workflow/transitions.ts). Review and results never
 * read an assignment.
 */
import "server-only";
import { and, desc, eq, inArray, isNull } from "drizzle-orm";
import { mayManageDepartments } from "@/lib/auth/policy";
import type { ModuleStatus, SessionUser } from "@/lib/domain";
import { isAnswered } from "@/lib/questionnaire/answer-schema";
import { findMissing } from "@/lib/questionnaire/missing";
import { moduleStatus } from "@/lib/workflow/module-status";
import { appendAudit } from "./audit";
import type { Db, Tx } from "./client";
import { loadFrameworkShape } from "./framework";
import { notify } from "./notifications";
import {
  answers,
  evidence,
  indicators,
  itemAssignees,
  items,
  modules,
  roundCities,
  rounds,
  submissions,
  users,
} from "./schema";
import { createUserByAdmin, setUserActive } from "./users";

export type DepartmentRefusal = "notFound" | "roleNotAllowed" | "roundNotOpen" | "emailTaken";

/** The department user an item of the city is assigned to, or null when it is the lead's own. */
export function assigneeOf(db: Db | Tx, cityId: number, itemId: number): number | null {
  return (
    db
      .select({ userId: itemAssignees.userId })
      .from(itemAssignees)
      .where(and(eq(itemAssignees.cityId, cityId), eq(itemAssignees.itemId, itemId)))
      .get()?.userId ?? null
  );
}

/** Every assigned item of the city in the round, with its department user. */
export function assigneesOf(db: Db | Tx, roundId: number, cityId: number): Map<number, number> {
  const rows = db
    .select({ itemId: itemAssignees.itemId, userId: itemAssignees.userId })
    .from(itemAssignees)
    .where(and(eq(itemAssignees.roundId, roundId), eq(itemAssignees.cityId, cityId)))
    .all();
  return new Map(rows.map((r) => [r.itemId, r.userId]));
}

/** The items of the round assigned to this department user. */
export function assignedItemIds(db: Db | Tx, userId: number, roundId: number): Set<number> {
  const rows = db
    .select({ itemId: itemAssignees.itemId })
    .from(itemAssignees)
    .where(and(eq(itemAssignees.userId, userId), eq(itemAssignees.roundId, roundId)))
    .all();
  return new Set(rows.map((r) => r.itemId));
}

export type DepartmentUser = {
  id: number;
  email: string;
  name: string;
  department: string;
  active: boolean;
  mustChangePassword: boolean;
  lastSignInAt: Date | null;
};

/** The city's department users, by department and name. */
export function listDepartmentUsers(db: Db | Tx, cityId: number): DepartmentUser[] {
  return db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      department: users.department,
      active: users.active,
      mustChangePassword: users.mustChangePassword,
      lastSignInAt: users.lastSignInAt,
    })
    .from(users)
    .where(and(eq(users.cityId, cityId), eq(users.role, "department_staff")))
    .orderBy(users.department, users.name)
    .all()
    .map((u) => ({ ...u, department: u.department ?? "" }));
}

export type DepartmentInvite = { email: string; name: string; department: string; password: string };

/**
 * The lead creates a department user of their city, with a temporary password the lead hands over and the user
 * must replace at first sign-in (as an admin's new accounts).
 */
export async function inviteDepartmentUser(
  db: Db,
  lead: SessionUser,
  input: DepartmentInvite,
): Promise<{ ok: true; id: number } | { ok: false; reason: DepartmentRefusal }> {
  if (lead.cityId === null || !mayManageDepartments(lead, lead.cityId)) return { ok: false, reason: "roleNotAllowed" };
  const created = await createUserByAdmin(db, lead.id, {
    email: input.email,
    name: input.name,
    password: input.password,
    role: "department_staff",
    cityId: lead.cityId,
    department: input.department,
  });
  if (!created.ok) return { ok: false, reason: created.reason === "emailTaken" ? "emailTaken" : "notFound" };
  return created;
}

/** A department user of the lead's own city (any other id is "not found", whether or not it exists). */
function ownDepartmentUser(db: Db | Tx, lead: SessionUser, userId: number) {
  if (lead.cityId === null || !mayManageDepartments(lead, lead.cityId)) return null;
  return (
    db
      .select({ id: users.id, active: users.active, name: users.name })
      .from(users)
      .where(and(eq(users.id, userId), eq(users.cityId, lead.cityId), eq(users.role, "department_staff")))
      .get() ?? null
  );
}

/** The lead switches a department user of their city off (their sessions end) or on again. */
export function setDepartmentUserActive(
  db: Db,
  lead: SessionUser,
  userId: number,
  active: boolean,
): { ok: true } | { ok: false; reason: DepartmentRefusal } {
  if (!ownDepartmentUser(db, lead, userId)) return { ok: false, reason: "notFound" };
  const result = setUserActive(db, lead.id, userId, active);
  return result.ok ? result : { ok: false, reason: "notFound" };
}

/**
 * The lead assigns items of an open round to a department user of the city, or takes them back (`userId` null).
 * All or none: every item must be an item of the round, and the user an active department user of the lead's city.
 * The department user is told in the app; the change is audited once.
 */
export function assignItems(
  db: Db,
  lead: SessionUser,
  input: { roundId: number; itemIds: number[]; userId: number | null },
  now = new Date(),
): { ok: true; changed: number } | { ok: false; reason: DepartmentRefusal } {
  const cityId = lead.cityId;
  if (cityId === null || !mayManageDepartments(lead, cityId)) return { ok: false, reason: "roleNotAllowed" };
  const wanted = [...new Set(input.itemIds)];
  if (!wanted.length) return { ok: false, reason: "notFound" };
  return db.transaction(
    (tx) => {
      const round = tx
        .select({ status: rounds.status })
        .from(rounds)
        .innerJoin(roundCities, and(eq(roundCities.roundId, rounds.id), eq(roundCities.cityId, cityId)))
        .where(eq(rounds.id, input.roundId))
        .get();
      if (!round) return { ok: false as const, reason: "notFound" as const };
      if (round.status !== "open") return { ok: false as const, reason: "roundNotOpen" as const };
      const found = tx
        .select({ id: items.id, code: items.code })
        .from(items)
        .where(and(eq(items.roundId, input.roundId), inArray(items.id, wanted)))
        .all();
      if (found.length !== wanted.length) return { ok: false as const, reason: "notFound" as const };
      const assignee = input.userId === null ? null : ownDepartmentUser(tx, lead, input.userId);
      if (input.userId !== null && !assignee?.active) return { ok: false as const, reason: "notFound" as const };

      const before = assigneesOf(tx, input.roundId, cityId);
      const changing = found.filter((i) => (before.get(i.id) ?? null) !== input.userId);
      if (!changing.length) return { ok: true as const, changed: 0 };
      const ids = changing.map((i) => i.id);
      tx.delete(itemAssignees)
        .where(and(eq(itemAssignees.cityId, cityId), inArray(itemAssignees.itemId, ids)))
        .run();
      if (input.userId !== null)
        tx.insert(itemAssignees)
          .values(
            ids.map((itemId) => ({
              roundId: input.roundId,
              cityId,
              itemId,
              userId: input.userId!,
              assignedBy: lead.id,
              assignedAt: now,
            })),
          )
          .run();
      const codes = changing.map((i) => i.code).sort();
      appendAudit(tx, {
        actorId: lead.id,
        action: "items.assigned",
        entityType: "user",
        entityId: input.userId ?? lead.id,
        roundId: input.roundId,
        cityId,
        before: { assignees: Object.fromEntries(changing.map((i) => [i.code, before.get(i.id) ?? null])) },
        after: { userId: input.userId, itemCodes: codes },
      });
      if (input.userId !== null)
        notify(tx, [input.userId], "itemsAssigned", { count: codes.length, lead: lead.name }, "/city", now);
      return { ok: true as const, changed: changing.length };
    },
    { behavior: "immediate" },
  );
}

export type DepartmentProgress = {
  /** null: the items the lead kept */
  userId: number | null;
  name: string;
  department: string;
  active: boolean;
  assigned: number;
  answered: number;
  /** what submitting would still ask of these items (lib/questionnaire/missing.ts): answers, evidence, checks */
  missingAnswers: number;
  missingEvidence: number;
  toCheck: number;
};

/** For the lead: who fills how many items of the round and how far each has got, the lead's own items first. */
export function departmentProgress(
  db: Db,
  roundId: number,
  cityId: number,
  lead: { name: string },
): DepartmentProgress[] {
  const itemRows = db
    .select({
      id: items.id,
      code: items.code,
      required: items.required,
      evidenceRequired: items.evidenceRequired,
    })
    .from(items)
    .innerJoin(indicators, eq(indicators.id, items.indicatorId))
    .innerJoin(modules, eq(modules.id, indicators.moduleId))
    .where(eq(items.roundId, roundId))
    .orderBy(modules.position, items.position)
    .all();
  const subIds = db
    .select({ id: submissions.id })
    .from(submissions)
    .where(and(eq(submissions.roundId, roundId), eq(submissions.cityId, cityId)))
    .all()
    .map((s) => s.id);
  const answerRows = subIds.length ? db.select().from(answers).where(inArray(answers.submissionId, subIds)).all() : [];
  const evidenceRows = subIds.length
    ? db
        .select({ itemId: evidence.itemId })
        .from(evidence)
        .where(and(inArray(evidence.submissionId, subIds), isNull(evidence.deletedAt)))
        .all()
    : [];
  const answered = new Set(answerRows.filter((a) => isAnswered(a)).map((a) => a.itemId));
  const assignees = assigneesOf(db, roundId, cityId);
  const people = [
    { userId: null, name: lead.name, department: "", active: true },
    ...listDepartmentUsers(db, cityId).map((u) => ({
      userId: u.id,
      name: u.name,
      department: u.department,
      active: u.active,
    })),
  ];
  return people.map((person) => {
    const own = itemRows.filter((i) => (assignees.get(i.id) ?? null) === person.userId);
    const missing = findMissing(own, answerRows, evidenceRows);
    return {
      ...person,
      assigned: own.length,
      answered: own.filter((i) => answered.has(i.id)).length,
      missingAnswers: missing.filter((m) => m.what === "answer").length,
      missingEvidence: missing.filter((m) => m.what === "evidence").length,
      toCheck: missing.filter((m) => m.what === "confirmation").length,
    };
  });
}

export type MyModule = {
  code: string;
  nameZh: string;
  nameEn: string;
  status: ModuleStatus;
  items: {
    id: number;
    code: string;
    nameZh: string;
    nameEn: string;
    answered: boolean;
    missingEvidence: boolean;
    toCheck: boolean;
  }[];
};

/** A department user's start page: the items assigned to them in the round, by module, with where each stands. */
export function myAssignedItems(db: Db, roundId: number, user: { id: number; cityId: number | null }): MyModule[] {
  if (user.cityId === null) return [];
  const mine = assignedItemIds(db, user.id, roundId);
  if (!mine.size) return [];
  const shape = loadFrameworkShape(db, roundId);
  const subs = db
    .select()
    .from(submissions)
    .where(and(eq(submissions.roundId, roundId), eq(submissions.cityId, user.cityId)))
    .all();
  const subIds = subs.map((s) => s.id);
  const answerRows = subIds.length
    ? db
        .select()
        .from(answers)
        .where(and(inArray(answers.submissionId, subIds), inArray(answers.itemId, [...mine])))
        .all()
    : [];
  const evidenceRows = subIds.length
    ? db
        .select({ itemId: evidence.itemId })
        .from(evidence)
        .where(and(inArray(evidence.submissionId, subIds), isNull(evidence.deletedAt)))
        .all()
    : [];
  return shape.flatMap((m) => {
    const own = m.indicators.flatMap((i) => i.items).filter((i) => mine.has(i.id));
    if (!own.length) return [];
    const missing = findMissing(own, answerRows, evidenceRows);
    const lacks = (code: string, what: string) => missing.some((x) => x.itemCode === code && x.what === what);
    return [
      {
        code: m.code,
        nameZh: m.module.nameZh,
        nameEn: m.module.nameEn,
        status: moduleStatus(subs.find((s) => s.moduleId === m.module.id)),
        items: own.map((i) => ({
          id: i.id,
          code: i.code,
          nameZh: i.nameZh,
          nameEn: i.nameEn,
          answered: isAnswered(answerRows.find((a) => a.itemId === i.id)),
          missingEvidence: lacks(i.code, "evidence"),
          toCheck: lacks(i.code, "confirmation"),
        })),
      },
    ];
  });
}

/** The newest open round in which the department user has items to fill, or null. */
export function openRoundWithAssignments(db: Db, userId: number): number | null {
  return (
    db
      .select({ id: rounds.id })
      .from(itemAssignees)
      .innerJoin(rounds, eq(rounds.id, itemAssignees.roundId))
      .where(and(eq(itemAssignees.userId, userId), eq(rounds.status, "open")))
      .orderBy(desc(rounds.year), desc(rounds.id))
      .get()?.id ?? null
  );
}
