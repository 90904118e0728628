/** A row of a reviewer's queue: a submission in review at a stage and module the reviewer is assigned to. */
export type QueueEntry = {
  submissionId: number;
  cityCode: string;
  cityNameZh: string;
  cityNameEn: string;
  region: string;
  moduleCode: string;
  moduleNameZh: string;
  moduleNameEn: string;
  stagePosition: number;
  version: number;
  submittedAt: Date | null;
  status: string;
  /** no query and no adjustment in the current version: may be approved in bulk */
  clean: boolean;
  daysWaiting: number;
};
