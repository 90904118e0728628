import "server-only";
import { and, count, desc, eq, isNull } from "drizzle-orm";
import type { Db, Tx } from "./client";
import { notifications, reviewAssignments, users } from "./schema";

export function countUnread(db: Db, userId: number): number {
  return (
    db
      .select({ n: count() })
      .from(notifications)
      .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
      .get()?.n ?? 0
  );
}

export function listNotifications(db: Db, userId: number, limit = 100) {
  return db
    .select()
    .from(notifications)
    .where(eq(notifications.userId, userId))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(limit)
    .all();
}

/** Marks the user's own notifications read; other users' ids are ignored. */
export function markAllRead(db: Db, userId: number, now = new Date()): void {
  db.update(notifications)
    .set({ readAt: now })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
    .run();
}

/** The active leads of a city (not its department users), to be told about its submissions and results. */
export function activeStaffOf(tx: Db | Tx, cityId: number) {
  return tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.cityId, cityId), eq(users.role, "city_staff"), eq(users.active, true)))
    .all();
}

export function notify(
  tx: Tx,
  userIds: number[],
  kind: string,
  params: Record<string, string | number>,
  href: string,
  now: Date,
) {
  if (userIds.length)
    tx.insert(notifications)
      .values(userIds.map((userId) => ({ userId, kind, params, href, createdAt: now })))
      .run();
}

/** Tells the reviewers assigned to a module at a stage that a version awaits them. */
export function notifyStageReviewers(
  tx: Tx,
  submissionId: number,
  moduleId: number,
  stageId: number,
  params: Record<string, string | number>,
  now: Date,
) {
  const reviewers = tx
    .select({ id: reviewAssignments.reviewerId })
    .from(reviewAssignments)
    .where(and(eq(reviewAssignments.moduleId, moduleId), eq(reviewAssignments.stageId, stageId)))
    .all();
  notify(
    tx,
    reviewers.map((r) => r.id),
    "submitted",
    params,
    `/review/submissions/${submissionId}`,
    now,
  );
}
