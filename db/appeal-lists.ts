/** Appeals as lists: a city's, a round's and a reviewer's, and how many are still open. */
import "server-only";
import { and, asc, desc, eq } from "drizzle-orm";
import type { SessionUser } from "@/lib/domain";
import { deciders } from "./appeals";
import type { Db, Tx } from "./client";
import { appeals, cities, items, submissions } from "./schema";

const appealColumns = {
  appeal: appeals,
  itemCode: items.code,
  itemNameZh: items.nameZh,
  itemNameEn: items.nameEn,
  cityCode: cities.code,
  cityNameZh: cities.nameZh,
  cityNameEn: cities.nameEn,
  moduleId: submissions.moduleId,
};

function appealQuery(db: Db) {
  return db
    .select(appealColumns)
    .from(appeals)
    .innerJoin(items, eq(items.id, appeals.itemId))
    .innerJoin(submissions, eq(submissions.id, appeals.submissionId))
    .innerJoin(cities, eq(cities.id, submissions.cityId));
}

/** A city's appeals in a round, newest first. */

/** The item an appeal is about (its amended value is checked against it), or null. */
export function getAppealItem(db: Db, appealId: number) {
  return (
    db
      .select({ item: items })
      .from(appeals)
      .innerJoin(items, eq(items.id, appeals.itemId))
      .where(eq(appeals.id, appealId))
      .get()?.item ?? null
  );
}

export function listAppealsForCity(db: Db, roundId: number, cityId: number) {
  return appealQuery(db)
    .where(and(eq(appeals.roundId, roundId), eq(submissions.cityId, cityId)))
    .orderBy(desc(appeals.filedAt), desc(appeals.id))
    .all();
}

/** Every appeal of a round (the admin's view), open ones first. */
export function listAppealsForRound(db: Db, roundId: number) {
  return appealQuery(db).where(eq(appeals.roundId, roundId)).orderBy(asc(appeals.status), asc(appeals.filedAt)).all();
}

/** The open appeals a reviewer may decide. */
export function listAppealsForReviewer(db: Db, user: SessionUser) {
  return appealQuery(db)
    .where(eq(appeals.status, "open"))
    .orderBy(asc(appeals.filedAt))
    .all()
    .filter(({ appeal }) => {
      const sub = db.select().from(submissions).where(eq(submissions.id, appeal.submissionId)).get()!;
      return deciders(db, appeal, sub).includes(user.id);
    });
}

/** How many appeals of the round are still open (finalising waits for them). */
export function countOpenAppeals(db: Db | Tx, roundId: number): number {
  return db
    .select({ id: appeals.id })
    .from(appeals)
    .where(and(eq(appeals.roundId, roundId), eq(appeals.status, "open")))
    .all().length;
}

export type AppealRow = ReturnType<typeof listAppealsForCity>[number];
