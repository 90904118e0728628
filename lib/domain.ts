/**
 * The words of the domain that the server and the browser share: roles, regions, statuses, locales and the
 * shapes built from them. db/schema.ts declares its columns with these; client components import them from
 * here, never from db/, whose modules are server-only (the drizzle schema must not reach a browser chunk).
 */

/**
 * city_staff is the city's lead (城市管理员): fills anything, invites departments, alone submits.
 * department_staff (部门填报人) belong to one city and fill only the items its lead assigned them.
 */
export const ROLES = ["admin", "reviewer", "city_staff", "department_staff"] as const;
export type Role = (typeof ROLES)[number];
export const REGIONS = ["east", "south", "central", "north", "northeast", "northwest", "southwest"] as const;
export type Region = (typeof REGIONS)[number];
export const CITY_TIERS = ["municipality", "sub_provincial", "prefecture"] as const;
export type CityTier = (typeof CITY_TIERS)[number];
export const ROUND_STATUSES = ["draft", "open", "finalised"] as const;
export type RoundStatus = (typeof ROUND_STATUSES)[number];
export const SUBMISSION_STATUSES = [
  "draft",
  "submitted",
  "in_review",
  "returned",
  "verified",
  "not_submitted",
] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];
/** What a city × module shows: a submission's status, or not started before its first answer. */
export const MODULE_STATUSES = ["not_started", ...SUBMISSION_STATUSES] as const;
export type ModuleStatus = (typeof MODULE_STATUSES)[number];
export const LOCALES = ["zh-CN", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const APPEAL_STATUSES = ["open", "upheld", "amended"] as const;
export type AppealStatus = (typeof APPEAL_STATUSES)[number];

/** What the rest of the app may know about a user: never the password hash or lock counters. */
export type SessionUser = {
  id: number;
  email: string;
  name: string;
  role: Role;
  cityId: number | null;
  locale: Locale;
  /** a temporary password set by an admin must be replaced before anything else */
  mustChangePassword?: boolean;
};

/** What a submitted version froze: the answers and the evidence, by item code. */
export type VersionSnapshot = {
  answers: { itemCode: string; value: unknown; notApplicableReason: string | null }[];
  evidence: {
    itemCode: string;
    kind: "file" | "url";
    sha256: string | null;
    url: string | null;
    originalName: string | null;
  }[];
};
