import "server-only";
import { and, count, desc, eq, isNull } from "drizzle-orm";
import type { Db } from "./client";
import { notifications } from "./schema";

export function countUnread(db: Db, userId: number): number {
  return db.select({ n: count() }).from(notifications).where(and(eq(notifications.userId, userId), isNull(notifications.readAt))).get()?.n ?? 0;
}

export function listNotifications(db: Db, userId: number, limit = 100) {
  return db.select().from(notifications).where(eq(notifications.userId, userId)).orderBy(desc(notifications.createdAt), desc(notifications.id)).limit(limit).all();
}

/** Marks the user's own notifications read; other users' ids are ignored. */
export function markAllRead(db: Db, userId: number, now = new Date()): void {
  db.update(notifications).set({ readAt: now }).where(and(eq(notifications.userId, userId), isNull(notifications.readAt))).run();
}
