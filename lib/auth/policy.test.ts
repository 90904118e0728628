import { describe, expect, it } from "vitest";
import {
  type Actor,
  actingCityOf,
  isInSubmittedVersion,
  mayActForCity,
  mayCalibrate,
  mayDecideAppeal,
  mayDecideAtStage,
  mayDownloadBundle,
  mayDownloadEvidence,
  mayDownloadLibraryFile,
  mayExportResults,
  mayFillItem,
  mayManageCalibration,
  mayManageDepartments,
  mayOpenQuestionnaire,
  maySeeCalibration,
  maySeeCity,
  maySeeOtherCitiesFiles,
  maySeeScorecard,
  maySeeSubmission,
  mayUseLibraryFile,
} from "./policy";

const admin: Actor = { id: 1, role: "admin", cityId: null };
const staffA: Actor = { id: 2, role: "city_staff", cityId: 10 };
const staffB: Actor = { id: 3, role: "city_staff", cityId: 20 };
const reviewer: Actor = { id: 4, role: "reviewer", cityId: null };
/** a department user of city 10 (the lead is staffA) */
const deptA: Actor = { id: 5, role: "department_staff", cityId: 10 };
const deptB: Actor = { id: 6, role: "department_staff", cityId: 20 };
const assigned = [{ moduleId: 5, stageId: 51 }];
const submitted = { cityId: 10, moduleId: 5, version: 1 };

describe("the authorization policy", () => {
  it("gives a city's pages and actions to its own staff (admins see, never act)", () => {
    expect([admin, staffA, staffB, reviewer].map((a) => maySeeCity(a, 10))).toEqual([true, true, false, false]);
    expect([admin, staffA, staffB, reviewer].map((a) => mayActForCity(a, 10))).toEqual([false, true, false, false]);
    expect([admin, staffA, reviewer, deptA].map(actingCityOf)).toEqual([null, 10, null, 10]);
  });

  it("lets a department user open their city's questionnaire and fill only the items assigned to them", () => {
    const everyone = [admin, staffA, staffB, reviewer, deptA, deptB];
    expect(everyone.map((a) => mayOpenQuestionnaire(a, 10))).toEqual([true, true, false, false, true, false]);
    // The whole city (results, library, appeals, submission forms) and acting for it stay the lead's.
    expect(everyone.map((a) => maySeeCity(a, 10))).toEqual([true, true, false, false, false, false]);
    expect(everyone.map((a) => mayActForCity(a, 10))).toEqual([false, true, false, false, false, false]);
    // An item assigned to deptA; one the lead kept; one assigned to another department user of the city.
    expect(everyone.map((a) => mayFillItem(a, 10, deptA.id))).toEqual([false, true, false, false, true, false]);
    expect(everyone.map((a) => mayFillItem(a, 10, null))).toEqual([false, true, false, false, false, false]);
    expect(everyone.map((a) => mayFillItem(a, 10, 77))).toEqual([false, true, false, false, false, false]);
    // deptB holds id 6; an item of city 10 "assigned" to that id is still not theirs: another city.
    expect(mayFillItem(deptB, 10, deptB.id)).toBe(false);
    expect(everyone.map((a) => mayManageDepartments(a, 10))).toEqual([false, true, false, false, false, false]);
    // The library: the lead's file on no item of deptA's is not deptA's to choose; their own upload, or a file
    // already on one of their items, is.
    const leadsFile = { cityId: 10, uploadedBy: staffA.id, onOwnItem: false };
    expect(everyone.map((a) => mayUseLibraryFile(a, leadsFile))).toEqual([false, true, false, false, false, false]);
    expect(mayUseLibraryFile(deptA, { ...leadsFile, onOwnItem: true })).toBe(true);
    expect(mayUseLibraryFile(deptA, { ...leadsFile, uploadedBy: deptA.id })).toBe(true);
    expect(mayUseLibraryFile(deptB, { ...leadsFile, uploadedBy: deptB.id })).toBe(false);
  });

  it("shows reviewers submitted versions of their modules only, and lets them decide only at their stage", () => {
    expect(maySeeSubmission(reviewer, submitted, assigned)).toBe(true);
    expect(maySeeSubmission(reviewer, { ...submitted, version: 0 }, assigned)).toBe(false); // a draft never submitted
    expect(maySeeSubmission(reviewer, { ...submitted, moduleId: 6 }, assigned)).toBe(false);
    expect(maySeeSubmission(staffB, submitted, [])).toBe(false);
    expect(mayDecideAtStage(reviewer, { moduleId: 5, stageId: 51 }, assigned)).toBe(true);
    expect(mayDecideAtStage(reviewer, { moduleId: 5, stageId: 52 }, assigned)).toBe(false);
    expect(mayDecideAtStage(admin, { moduleId: 5, stageId: 51 }, assigned)).toBe(false);
    expect(mayDecideAppeal(reviewer, { assignedTo: null }, { moduleId: 5, stageId: 51 }, assigned)).toBe(true);
    expect(mayDecideAppeal(reviewer, { assignedTo: 99 }, { moduleId: 5, stageId: 51 }, assigned)).toBe(false); // handed to another
  });

  it("serves evidence of submitted versions to reviewers, deleted files to admins only", () => {
    const ev = { ...submitted, assigneeId: null, deleted: false, submitted: true, secondReviewerIds: [] };
    expect([admin, staffA, staffB, reviewer, deptA].map((a) => mayDownloadEvidence(a, ev, assigned))).toEqual([
      true,
      true,
      false,
      true,
      false,
    ]);
    // A department user downloads the files of their own items, while not deleted.
    expect(mayDownloadEvidence(deptA, { ...ev, assigneeId: deptA.id }, [])).toBe(true);
    expect(mayDownloadEvidence(deptA, { ...ev, assigneeId: deptA.id, deleted: true }, [])).toBe(false);
    expect(mayDownloadEvidence(deptB, { ...ev, assigneeId: deptB.id }, [])).toBe(false);
    expect(mayDownloadEvidence(reviewer, { ...ev, submitted: false }, assigned)).toBe(false);
    const deleted = { ...ev, deleted: true, submitted: false };
    expect([admin, staffA, reviewer].map((a) => mayDownloadEvidence(a, deleted, assigned))).toEqual([
      true,
      false,
      false,
    ]);
    // The blind second reviewer of a calibrated version holding the file, not assigned to the module; while not deleted.
    const other: Actor = { id: 9, role: "reviewer", cityId: null };
    expect(mayDownloadEvidence(other, ev, [])).toBe(false);
    expect(mayDownloadEvidence(other, { ...ev, secondReviewerIds: [9] }, [])).toBe(true);
    expect(mayDownloadEvidence(other, { ...ev, secondReviewerIds: [9], deleted: true }, [])).toBe(false);
    expect(mayDownloadEvidence({ ...staffB, id: 9 }, { ...ev, secondReviewerIds: [9] }, [])).toBe(false);
    const at = new Date("2026-01-02");
    expect(isInSubmittedVersion({ uploadedAt: new Date("2026-01-01"), deletedAt: null }, at)).toBe(true);
    expect(isInSubmittedVersion({ uploadedAt: new Date("2026-01-03"), deletedAt: null }, at)).toBe(false);
    expect(isInSubmittedVersion({ uploadedAt: new Date("2026-01-01"), deletedAt: at }, at)).toBe(false);
    expect(isInSubmittedVersion({ uploadedAt: new Date("2026-01-01"), deletedAt: null }, null)).toBe(false);
  });

  it("serves a library file to its city's staff while it is in the library, and always to admins", () => {
    const inLibrary = { cityId: 10, removed: false };
    const removed = { cityId: 10, removed: true };
    expect([admin, staffA, staffB, reviewer, deptA].map((a) => mayDownloadLibraryFile(a, inLibrary))).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
    expect([admin, staffA, staffB, reviewer].map((a) => mayDownloadLibraryFile(a, removed))).toEqual([
      true,
      false,
      false,
      false,
    ]);
  });

  it("tells reviewers and admins, never city staff, which other cities submitted the same file", () => {
    expect([admin, staffA, staffB, reviewer, deptA].map(maySeeOtherCitiesFiles)).toEqual([
      true,
      false,
      false,
      true,
      false,
    ]);
  });

  it("publishes scorecards, exports and bundles by role and city", () => {
    expect([admin, staffA, reviewer, deptA].map((a) => maySeeScorecard(a, 20))).toEqual([true, false, true, false]);
    // A department user does not see even their own city's scorecard: results are the lead's.
    expect([staffA, deptA].map((a) => maySeeScorecard(a, 10))).toEqual([true, false]);
    expect([admin, staffA, reviewer, deptA].map(mayExportResults)).toEqual([true, false, true, false]);
    expect([admin, staffA, reviewer, deptA].map((a) => mayDownloadBundle(a, { kind: "round" }))).toEqual([
      true,
      false,
      false,
      false,
    ]);
    expect(
      [admin, staffA, staffB, reviewer, deptA].map((a) => mayDownloadBundle(a, { kind: "city", cityId: 10 })),
    ).toEqual([true, true, false, false, false]);
  });

  it("gives a calibration to its second reviewer alone; admins draw and read them", () => {
    const calibration = { reviewerId: reviewer.id };
    const second: Actor = { id: 9, role: "reviewer", cityId: null };
    expect([admin, staffA, reviewer, second, deptA].map(mayManageCalibration)).toEqual([
      true,
      false,
      false,
      false,
      false,
    ]);
    expect([admin, staffA, reviewer, second, deptA].map((a) => mayCalibrate(a, calibration))).toEqual([
      false,
      false,
      true,
      false,
      false,
    ]);
    expect([admin, staffA, reviewer, second, deptA].map((a) => maySeeCalibration(a, calibration))).toEqual([
      true,
      false,
      true,
      false,
      false,
    ]);
    // an id that happens to equal a reviewer's is not enough: the role must be reviewer
    expect(mayCalibrate({ ...staffA, id: reviewer.id }, calibration)).toBe(false);
  });
});
