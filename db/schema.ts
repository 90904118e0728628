/**
 * The whole data model of CityEval. Points are stored as integer hundredths so that sums are exact.
 * Timestamps are epoch milliseconds; calendar dates (cut-off) are ISO `YYYY-MM-DD` text.
 * One file over 300 lines on purpose: drizzle-kit generates migrations from it, and the tables' relations read
 * best side by side.
 */
import "server-only";
import { sql } from "drizzle-orm";
import {
  type AnySQLiteColumn,
  check,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";
import {
  APPEAL_STATUSES,
  CITY_TIERS,
  LOCALES,
  REGIONS,
  ROLES,
  ROUND_STATUSES,
  SUBMISSION_STATUSES,
  type VersionSnapshot,
} from "@/lib/domain";
import type { AnswerType, EvidenceKind, ItemOption, ScoringRule } from "@/lib/framework/schema";
import type { PlausibilitySettings } from "@/lib/review/plausibility";
import type { StoredDetail } from "@/lib/scoring/result-details";
import type { ValidationRule } from "@/lib/validation/rules";

const now = sql`(cast(unixepoch('subsec') * 1000 as integer))`;
const createdAt = () => integer("created_at", { mode: "timestamp_ms" }).notNull().default(now);
const json = <T>(name: string) => text(name, { mode: "json" }).$type<T>();

export const cities = sqliteTable(
  "cities",
  {
    id: integer("id").primaryKey(),
    code: text("code").notNull().unique(),
    nameZh: text("name_zh").notNull(),
    nameEn: text("name_en").notNull(),
    provinceZh: text("province_zh").notNull(),
    provinceEn: text("province_en").notNull(),
    region: text("region", { enum: REGIONS }).notNull(),
    tier: text("tier", { enum: CITY_TIERS }).notNull(),
    /** false for cities the framework marks (p): proposed, not confirmed from the published list */
    confirmed: integer("confirmed", { mode: "boolean" }).notNull().default(true),
    /** made up for measuring at scale (db/synthetic.ts): never listed to people */
    synthetic: integer("synthetic", { mode: "boolean" }).notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [index("cities_region_idx").on(t.region), index("cities_tier_idx").on(t.tier)],
);

export const users = sqliteTable(
  "users",
  {
    id: integer("id").primaryKey(),
    email: text("email").notNull().unique(),
    name: text("name").notNull(),
    passwordHash: text("password_hash").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    cityId: integer("city_id").references(() => cities.id),
    /** a department user's department (发改委, 统计局 …); null for every other role */
    department: text("department"),
    locale: text("locale", { enum: LOCALES }).notNull().default("zh-CN"),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    mustChangePassword: integer("must_change_password", { mode: "boolean" }).notNull().default(false),
    /** an account no person uses (the demo round's data entry per city): never listed, never signs in */
    synthetic: integer("synthetic", { mode: "boolean" }).notNull().default(false),
    lastSignInAt: integer("last_sign_in_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
  },
  (t) => [
    index("users_city_idx").on(t.cityId),
    index("users_role_idx").on(t.role),
    // A city's lead and its departments belong to exactly one city; other roles to none.
    check(
      "users_city_matches_role",
      sql`(${t.role} in ('city_staff', 'department_staff')) = (${t.cityId} is not null)`,
    ),
    check("users_department_matches_role", sql`(${t.role} = 'department_staff') = (${t.department} is not null)`),
  ],
);

export const rounds = sqliteTable(
  "rounds",
  {
    id: integer("id").primaryKey(),
    name: text("name").notNull(),
    /** the name in English, where it differs (shown to English readers) */
    nameEn: text("name_en"),
    year: integer("year").notNull(),
    status: text("status", { enum: ROUND_STATUSES }).notNull().default("draft"),
    isDemo: integer("is_demo", { mode: "boolean" }).notNull().default(false),
    dataCutoffDate: text("data_cutoff_date"),
    submissionDeadline: integer("submission_deadline", { mode: "timestamp_ms" }),
    reviewDeadline: integer("review_deadline", { mode: "timestamp_ms" }),
    /** each city sees its own preliminary scorecard before finalisation */
    preliminaryResults: integer("preliminary_results", { mode: "boolean" }).notNull().default(false),
    /** end of the correction window (复核申诉) in which cities may appeal item decisions; none without it */
    appealDeadline: integer("appeal_deadline", { mode: "timestamp_ms" }),
    /** automatic reminders (催报) this many days before the submission deadline, to cities not yet submitted */
    reminderDaysBefore: integer("reminder_days_before"),
    /** the framework's validation rules across items (lib/validation/rules.ts), as its file states them */
    validationRules: json<ValidationRule[]>("validation_rules").notNull().default(sql`'[]'`),
    /** thresholds of the plausibility flags (lib/review/plausibility.ts); null: the defaults */
    plausibility: json<PlausibilitySettings>("plausibility"),
    clonedFromRoundId: integer("cloned_from_round_id").references((): AnySQLiteColumn => rounds.id),
    openedAt: integer("opened_at", { mode: "timestamp_ms" }),
    finalisedAt: integer("finalised_at", { mode: "timestamp_ms" }),
    finalisedBy: integer("finalised_by").references(() => users.id),
    /** SHA-256 over the canonical snapshot written at finalisation */
    digest: text("digest"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("rounds_name_uq").on(t.name), index("rounds_status_idx").on(t.status)],
);

export const reviewStages = sqliteTable(
  "review_stages",
  {
    id: integer("id").primaryKey(),
    roundId: integer("round_id")
      .notNull()
      .references(() => rounds.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    nameZh: text("name_zh").notNull(),
    nameEn: text("name_en").notNull(),
  },
  (t) => [uniqueIndex("review_stages_round_position_uq").on(t.roundId, t.position)],
);

export const modules = sqliteTable(
  "modules",
  {
    id: integer("id").primaryKey(),
    roundId: integer("round_id")
      .notNull()
      .references(() => rounds.id, { onDelete: "cascade" }),
    code: text("code").notNull(),
    nameZh: text("name_zh").notNull(),
    nameEn: text("name_en").notNull(),
    maxPoints: integer("max_points").notNull(),
    position: integer("position").notNull(),
  },
  (t) => [
    uniqueIndex("modules_round_code_uq").on(t.roundId, t.code),
    index("modules_round_position_idx").on(t.roundId, t.position),
  ],
);

export const indicators = sqliteTable(
  "indicators",
  {
    id: integer("id").primaryKey(),
    moduleId: integer("module_id")
      .notNull()
      .references(() => modules.id, { onDelete: "cascade" }),
    code: text("code").notNull(),
    nameZh: text("name_zh").notNull(),
    nameEn: text("name_en").notNull(),
    maxPoints: integer("max_points").notNull(),
    position: integer("position").notNull(),
    /** true where the name is our proposal, not published in the source report */
    proposed: integer("proposed", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [uniqueIndex("indicators_module_code_uq").on(t.moduleId, t.code)],
);

export const items = sqliteTable(
  "items",
  {
    id: integer("id").primaryKey(),
    indicatorId: integer("indicator_id")
      .notNull()
      .references(() => indicators.id, { onDelete: "cascade" }),
    /** denormalised so that item codes are unique per round and answers can be joined cheaply */
    roundId: integer("round_id")
      .notNull()
      .references(() => rounds.id, { onDelete: "cascade" }),
    code: text("code").notNull(),
    kind: text("kind", { enum: ["regular", "bonus", "penalty"] })
      .notNull()
      .default("regular"),
    nameZh: text("name_zh").notNull(),
    nameEn: text("name_en").notNull(),
    answerType: text("answer_type").$type<AnswerType>().notNull(),
    unitZh: text("unit_zh"),
    unitEn: text("unit_en"),
    options: json<ItemOption[]>("options"),
    minValue: real("min_value"),
    maxValue: real("max_value"),
    decimals: integer("decimals"),
    required: integer("required", { mode: "boolean" }).notNull().default(true),
    scoringRule: json<ScoringRule>("scoring_rule").notNull(),
    maxPoints: integer("max_points").notNull(),
    evidenceKinds: json<EvidenceKind[]>("evidence_kinds").notNull(),
    evidenceRequired: integer("evidence_required", { mode: "boolean" }).notNull().default(true),
    helpZh: text("help_zh"),
    helpEn: text("help_en"),
    position: integer("position").notNull(),
  },
  (t) => [
    uniqueIndex("items_round_code_uq").on(t.roundId, t.code),
    index("items_indicator_idx").on(t.indicatorId, t.position),
  ],
);

export const roundCities = sqliteTable(
  "round_cities",
  {
    roundId: integer("round_id")
      .notNull()
      .references(() => rounds.id, { onDelete: "cascade" }),
    cityId: integer("city_id")
      .notNull()
      .references(() => cities.id),
  },
  (t) => [primaryKey({ columns: [t.roundId, t.cityId] }), index("round_cities_city_idx").on(t.cityId)],
);

export const reviewAssignments = sqliteTable(
  "review_assignments",
  {
    id: integer("id").primaryKey(),
    roundId: integer("round_id")
      .notNull()
      .references(() => rounds.id, { onDelete: "cascade" }),
    moduleId: integer("module_id")
      .notNull()
      .references(() => modules.id, { onDelete: "cascade" }),
    stageId: integer("stage_id")
      .notNull()
      .references(() => reviewStages.id, { onDelete: "cascade" }),
    reviewerId: integer("reviewer_id")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("review_assignments_uq").on(t.reviewerId, t.moduleId, t.stageId),
    index("review_assignments_round_reviewer_idx").on(t.roundId, t.reviewerId),
    index("review_assignments_module_stage_idx").on(t.moduleId, t.stageId),
  ],
);

/**
 * Which department user fills an item of a city's questionnaire (an item of a round belongs to one round, so this
 * is per round). An item without a row is the city lead's own. Review and results never read it.
 */
export const itemAssignees = sqliteTable(
  "item_assignees",
  {
    roundId: integer("round_id")
      .notNull()
      .references(() => rounds.id, { onDelete: "cascade" }),
    cityId: integer("city_id")
      .notNull()
      .references(() => cities.id),
    itemId: integer("item_id")
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    assignedBy: integer("assigned_by")
      .notNull()
      .references(() => users.id),
    assignedAt: integer("assigned_at", { mode: "timestamp_ms" }).notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.cityId, t.itemId] }), index("item_assignees_user_idx").on(t.userId, t.roundId)],
);

export const submissions = sqliteTable(
  "submissions",
  {
    id: integer("id").primaryKey(),
    roundId: integer("round_id")
      .notNull()
      .references(() => rounds.id, { onDelete: "cascade" }),
    cityId: integer("city_id")
      .notNull()
      .references(() => cities.id),
    moduleId: integer("module_id")
      .notNull()
      .references(() => modules.id, { onDelete: "cascade" }),
    status: text("status", { enum: SUBMISSION_STATUSES }).notNull().default("draft"),
    stageId: integer("stage_id").references(() => reviewStages.id),
    /** number of times submitted: 0 while the first draft is being filled in */
    version: integer("version").notNull().default(0),
    notSubmittedReason: text("not_submitted_reason"),
    submittedAt: integer("submitted_at", { mode: "timestamp_ms" }),
    verifiedAt: integer("verified_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(now),
  },
  (t) => [
    uniqueIndex("submissions_round_city_module_uq").on(t.roundId, t.cityId, t.moduleId),
    index("submissions_round_status_idx").on(t.roundId, t.status),
    index("submissions_queue_idx").on(t.moduleId, t.stageId, t.status),
    index("submissions_city_idx").on(t.cityId, t.roundId),
  ],
);

export const answers = sqliteTable(
  "answers",
  {
    id: integer("id").primaryKey(),
    submissionId: integer("submission_id")
      .notNull()
      .references(() => submissions.id, { onDelete: "cascade" }),
    itemId: integer("item_id")
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    /** the typed value (number, boolean, option value, option values, text or URL), validated against the item */
    value: json<unknown>("value"),
    notApplicableReason: text("not_applicable_reason"),
    /** optimistic concurrency: a save must name the revision it was based on */
    revision: integer("revision").notNull().default(1),
    updatedBy: integer("updated_by").references(() => users.id),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(now),
    /**
     * copied from the city's verified value of the round this one was cloned from (db/prefill.ts): shown as
     * "来自上一轮，请核实" until the city edits or confirms it, and submitting waits for that
     */
    prefilledFromRoundId: integer("prefilled_from_round_id").references((): AnySQLiteColumn => rounds.id),
  },
  (t) => [
    uniqueIndex("answers_submission_item_uq").on(t.submissionId, t.itemId),
    index("answers_item_idx").on(t.itemId),
  ],
);

export const submissionVersions = sqliteTable(
  "submission_versions",
  {
    id: integer("id").primaryKey(),
    submissionId: integer("submission_id")
      .notNull()
      .references(() => submissions.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    snapshot: json<VersionSnapshot>("snapshot").notNull(),
    submittedBy: integer("submitted_by").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("submission_versions_uq").on(t.submissionId, t.version)],
);

export const evidence = sqliteTable(
  "evidence",
  {
    id: integer("id").primaryKey(),
    submissionId: integer("submission_id")
      .notNull()
      .references(() => submissions.id, { onDelete: "cascade" }),
    itemId: integer("item_id")
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["file", "url"] }).notNull(),
    url: text("url"),
    sha256: text("sha256"),
    size: integer("size"),
    mime: text("mime"),
    originalName: text("original_name"),
    storageKey: text("storage_key"),
    uploadedBy: integer("uploaded_by")
      .notNull()
      .references(() => users.id),
    uploadedAt: integer("uploaded_at", { mode: "timestamp_ms" }).notNull().default(now),
    deletedAt: integer("deleted_at", { mode: "timestamp_ms" }),
    deletedBy: integer("deleted_by").references(() => users.id),
  },
  (t) => [
    index("evidence_submission_item_idx").on(t.submissionId, t.itemId),
    // reverse index: which items rely on this file
    index("evidence_sha256_idx").on(t.sha256),
    check(
      "evidence_kind_payload",
      sql`(${t.kind} = 'url' and ${t.url} is not null) or (${t.kind} = 'file' and ${t.sha256} is not null and ${t.storageKey} is not null)`,
    ),
  ],
);

/**
 * A city's evidence library for a round: each file once (by SHA-256), however many items it is attached to. An
 * item's attachment is its evidence row with the same SHA-256 (db/evidence.ts); removing it from one item leaves
 * the others. The file itself is stored once by content (lib/storage).
 */
export const libraryFiles = sqliteTable(
  "library_files",
  {
    id: integer("id").primaryKey(),
    roundId: integer("round_id")
      .notNull()
      .references(() => rounds.id, { onDelete: "cascade" }),
    cityId: integer("city_id")
      .notNull()
      .references(() => cities.id),
    sha256: text("sha256").notNull(),
    size: integer("size").notNull(),
    mime: text("mime").notNull(),
    originalName: text("original_name").notNull(),
    storageKey: text("storage_key").notNull(),
    uploadedBy: integer("uploaded_by")
      .notNull()
      .references(() => users.id),
    uploadedAt: integer("uploaded_at", { mode: "timestamp_ms" }).notNull().default(now),
    /** taken out of the library (only when attached to no item); uploading it again brings it back */
    removedAt: integer("removed_at", { mode: "timestamp_ms" }),
    removedBy: integer("removed_by").references(() => users.id),
  },
  (t) => [uniqueIndex("library_files_uq").on(t.roundId, t.cityId, t.sha256)],
);

export const reviews = sqliteTable(
  "reviews",
  {
    id: integer("id").primaryKey(),
    submissionId: integer("submission_id")
      .notNull()
      .references(() => submissions.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    stageId: integer("stage_id")
      .notNull()
      .references(() => reviewStages.id),
    reviewerId: integer("reviewer_id")
      .notNull()
      .references(() => users.id),
    decision: text("decision", { enum: ["approved", "returned"] }).notNull(),
    comment: text("comment"),
    createdAt: createdAt(),
  },
  (t) => [
    // one decision per version and stage
    uniqueIndex("reviews_submission_version_stage_uq").on(t.submissionId, t.version, t.stageId),
    index("reviews_reviewer_idx").on(t.reviewerId),
  ],
);

export const itemReviews = sqliteTable(
  "item_reviews",
  {
    id: integer("id").primaryKey(),
    submissionId: integer("submission_id")
      .notNull()
      .references(() => submissions.id, { onDelete: "cascade" }),
    itemId: integer("item_id")
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    stageId: integer("stage_id")
      .notNull()
      .references(() => reviewStages.id),
    reviewerId: integer("reviewer_id")
      .notNull()
      .references(() => users.id),
    action: text("action", { enum: ["accept", "adjust", "query"] }).notNull(),
    /** for adjust: the value that is scored instead of the city's own (which stays in answers) */
    adjustedValue: json<unknown>("adjusted_value"),
    comment: text("comment"),
    cityReply: text("city_reply"),
    repliedBy: integer("replied_by").references(() => users.id),
    /**
     * Set when the decision was made on an earlier version and carried into this one because the city did not
     * change the item (value, not-applicable state and reason, evidence): the version it was made on.
     */
    carriedFromVersion: integer("carried_from_version"),
    repliedAt: integer("replied_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("item_reviews_uq").on(t.submissionId, t.itemId, t.version, t.stageId),
    index("item_reviews_item_idx").on(t.itemId),
    // Adjustments (核减) are few among a round's hundreds of thousands of decisions: finalising reads only them.
    index("item_reviews_adjust_idx").on(t.submissionId).where(sql`${t.action} = 'adjust'`),
    check("item_reviews_reason", sql`${t.action} = 'accept' or length(trim(coalesce(${t.comment}, ''))) > 0`),
  ],
);

/** A city's appeal (复核申诉) against the decision on one item of a verified module, and its outcome. */
export const appeals = sqliteTable(
  "appeals",
  {
    id: integer("id").primaryKey(),
    roundId: integer("round_id")
      .notNull()
      .references(() => rounds.id, { onDelete: "cascade" }),
    submissionId: integer("submission_id")
      .notNull()
      .references(() => submissions.id, { onDelete: "cascade" }),
    itemId: integer("item_id")
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    /** the version whose decision is appealed */
    version: integer("version").notNull(),
    filedBy: integer("filed_by")
      .notNull()
      .references(() => users.id),
    reason: text("reason").notNull(),
    /** optional new evidence: a link */
    evidenceUrl: text("evidence_url"),
    filedAt: integer("filed_at", { mode: "timestamp_ms" }).notNull().default(now),
    /** a reviewer the admin chose to decide it (otherwise: the reviewers of the stage that decided) */
    assignedTo: integer("assigned_to").references(() => users.id),
    status: text("status", { enum: APPEAL_STATUSES }).notNull().default("open"),
    decidedBy: integer("decided_by").references(() => users.id),
    decidedAt: integer("decided_at", { mode: "timestamp_ms" }),
    decisionReason: text("decision_reason"),
    /** for amended: the value in force from now on */
    amendedValue: json<unknown>("amended_value"),
  },
  (t) => [
    index("appeals_round_status_idx").on(t.roundId, t.status),
    index("appeals_submission_item_idx").on(t.submissionId, t.itemId),
    check("appeals_reason", sql`length(trim(${t.reason})) > 0`),
  ],
);

export const notifications = sqliteTable(
  "notifications",
  {
    id: integer("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    params: json<Record<string, string | number>>("params").notNull(),
    href: text("href"),
    createdAt: createdAt(),
    readAt: integer("read_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("notifications_user_unread_idx").on(t.userId, t.readAt)],
);

/**
 * A reminder (催报) sent to a city about its modules not yet submitted before a deadline: by an admin, or
 * automatically `reminderDaysBefore` days ahead. One per round, city and deadline (the unique index), so a city is
 * never reminded twice of the same deadline; a new deadline may be reminded of again.
 */
export const reminders = sqliteTable(
  "reminders",
  {
    id: integer("id").primaryKey(),
    roundId: integer("round_id")
      .notNull()
      .references(() => rounds.id, { onDelete: "cascade" }),
    cityId: integer("city_id")
      .notNull()
      .references(() => cities.id),
    deadline: integer("deadline", { mode: "timestamp_ms" }).notNull(),
    kind: text("kind", { enum: ["manual", "automatic"] }).notNull(),
    /** the admin who sent it; null for an automatic one */
    sentBy: integer("sent_by").references(() => users.id),
    sentAt: integer("sent_at", { mode: "timestamp_ms" }).notNull(),
    /** the modules not yet submitted when it was sent, by code */
    moduleCodes: json<string[]>("module_codes").notNull(),
    /** the e-mail addresses it went to (the city's active leads) */
    recipients: json<string[]>("recipients").notNull(),
    /** the admin's own words, added to the message */
    note: text("note"),
    /**
     * not_configured (no SMTP), pending (to send), sending (claimed by a delivery run), sent, or failed (retried
     * with backoff until its attempts run out)
     */
    emailStatus: text("email_status", { enum: ["not_configured", "pending", "sending", "sent", "failed"] }).notNull(),
    emailError: text("email_error"),
    emailAttempts: integer("email_attempts").notNull().default(0),
    emailNextAttemptAt: integer("email_next_attempt_at", { mode: "timestamp_ms" }),
  },
  (t) => [uniqueIndex("reminders_round_city_deadline_uq").on(t.roundId, t.cityId, t.deadline)],
);

/**
 * Personal access tokens for /api/v1: the token is shown once and stored only as its SHA-256. It acts as its user
 * (their role and city) within its scope, until it expires or is revoked.
 */
export const apiTokens = sqliteTable(
  "api_tokens",
  {
    id: integer("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    /** the token's first characters, to recognise it in lists */
    prefix: text("prefix").notNull(),
    scope: text("scope", { enum: ["read", "write"] }).notNull(),
    createdBy: integer("created_by")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
    revokedBy: integer("revoked_by").references(() => users.id),
  },
  (t) => [index("api_tokens_user_idx").on(t.userId)],
);

/** An admin-configured receiver of events (lib/webhooks/events.ts), signed with its secret. */
export const webhooks = sqliteTable("webhooks", {
  id: integer("id").primaryKey(),
  url: text("url").notNull(),
  /** the HMAC-SHA256 key of X-CityEval-Signature; shown once when created */
  secret: text("secret").notNull(),
  events: json<string[]>("events").notNull(),
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  createdBy: integer("created_by")
    .notNull()
    .references(() => users.id),
  createdAt: createdAt(),
});

/** One event for one webhook: delivered, or retried with backoff until it is or the attempts run out. */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: integer("id").primaryKey(),
    webhookId: integer("webhook_id")
      .notNull()
      .references(() => webhooks.id, { onDelete: "cascade" }),
    event: text("event").notNull(),
    /** the exact body sent (and signed) */
    body: text("body").notNull(),
    status: text("status", { enum: ["pending", "delivered", "failed"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at", { mode: "timestamp_ms" }).notNull(),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    createdAt: createdAt(),
    deliveredAt: integer("delivered_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    index("webhook_deliveries_due_idx").on(t.status, t.nextAttemptAt),
    index("webhook_deliveries_webhook_idx").on(t.webhookId),
  ],
);

/** A plausibility flag a reviewer dismissed, with the reason (the flag is then shown as dismissed, not counted). */
export const plausibilityDismissals = sqliteTable(
  "plausibility_dismissals",
  {
    id: integer("id").primaryKey(),
    submissionId: integer("submission_id")
      .notNull()
      .references(() => submissions.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    itemCode: text("item_code").notNull(),
    kind: text("kind", { enum: ["peer", "previous"] }).notNull(),
    reason: text("reason").notNull(),
    dismissedBy: integer("dismissed_by")
      .notNull()
      .references(() => users.id),
    dismissedAt: integer("dismissed_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("plausibility_dismissals_uq").on(t.submissionId, t.version, t.itemCode, t.kind)],
);

/**
 * A blind second review of one submitted version at one stage, for measuring how far reviewers agree (审核一致性校准).
 * It never changes the submission's workflow or scores: nothing but the calibration pages and the agreement reads it.
 */
export const calibrations = sqliteTable(
  "calibrations",
  {
    id: integer("id").primaryKey(),
    roundId: integer("round_id")
      .notNull()
      .references(() => rounds.id, { onDelete: "cascade" }),
    submissionId: integer("submission_id")
      .notNull()
      .references(() => submissions.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    stageId: integer("stage_id")
      .notNull()
      .references(() => reviewStages.id, { onDelete: "cascade" }),
    /** the second reviewer, who is assigned to the module at no stage and so never sees the first review */
    reviewerId: integer("reviewer_id")
      .notNull()
      .references(() => users.id),
    drawnBy: integer("drawn_by")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
    completedAt: integer("completed_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    uniqueIndex("calibrations_submission_version_stage_uq").on(t.submissionId, t.version, t.stageId),
    index("calibrations_round_idx").on(t.roundId),
    index("calibrations_reviewer_idx").on(t.reviewerId),
  ],
);

/** The second reviewer's decision on one item of a calibration: the same three as a review's (item_reviews). */
export const calibrationItems = sqliteTable(
  "calibration_items",
  {
    calibrationId: integer("calibration_id")
      .notNull()
      .references(() => calibrations.id, { onDelete: "cascade" }),
    itemId: integer("item_id")
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    action: text("action", { enum: ["accept", "adjust", "query"] }).notNull(),
    adjustedValue: json<unknown>("adjusted_value"),
    comment: text("comment"),
    decidedAt: integer("decided_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.calibrationId, t.itemId] }),
    check("calibration_items_reason", sql`${t.action} = 'accept' or length(trim(coalesce(${t.comment}, ''))) > 0`),
  ],
);

export const results = sqliteTable(
  "results",
  {
    id: integer("id").primaryKey(),
    roundId: integer("round_id")
      .notNull()
      .references(() => rounds.id, { onDelete: "cascade" }),
    cityId: integer("city_id")
      .notNull()
      .references(() => cities.id),
    /** the ranked figures; indicators and items are in result_details, one row per city */
    level: text("level", { enum: ["module", "total"] }).notNull(),
    /** module code; '' for the total */
    code: text("code").notNull(),
    points: integer("points").notNull(),
    /** rank among the round's cities */
    rank: integer("rank"),
    reviewStatus: text("review_status"),
    notSubmitted: integer("not_submitted", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [
    uniqueIndex("results_uq").on(t.roundId, t.cityId, t.level, t.code),
    index("results_round_level_idx").on(t.roundId, t.level, t.code),
  ],
);

/** A city's frozen indicator and item results: one array per round and city (lib/scoring/result-details.ts). */
export const resultDetails = sqliteTable(
  "result_details",
  {
    roundId: integer("round_id")
      .notNull()
      .references(() => rounds.id, { onDelete: "cascade" }),
    cityId: integer("city_id")
      .notNull()
      .references(() => cities.id),
    details: json<StoredDetail[]>("details").notNull(),
  },
  (t) => [primaryKey({ columns: [t.roundId, t.cityId] })],
);

export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey(),
    at: integer("at", { mode: "timestamp_ms" }).notNull().default(now),
    actorId: integer("actor_id").references(() => users.id),
    action: text("action").notNull(),
    entityType: text("entity_type").notNull(),
    entityId: text("entity_id"),
    roundId: integer("round_id"),
    cityId: integer("city_id"),
    before: json<unknown>("before"),
    after: json<unknown>("after"),
    /** hash of the previous row, chaining the log so that a removed or edited row is detectable */
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull().unique(),
  },
  (t) => [
    index("audit_round_at_idx").on(t.roundId, t.at),
    index("audit_entity_idx").on(t.entityType, t.entityId),
    index("audit_actor_idx").on(t.actorId, t.at),
  ],
);

/**
 * Signed-in sessions. The session cookie (an encrypted JWT) names one row; deleting the row ends the session
 * at once, wherever the cookie was copied to. Sign-out, a password change, an admin's reset and deactivation
 * delete every row of the user.
 */
export const sessions = sqliteTable(
  "sessions",
  {
    /** random, 256 bits; only ever inside the encrypted cookie */
    id: text("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    /** the last request, to end a session left idle */
    lastSeenAt: integer("last_seen_at", { mode: "timestamp_ms" }).notNull().default(now),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

/**
 * Failed sign-ins per client address ("ip:…") and per e-mail address typed ("account:…", known or not, so
 * that the answers never tell whether an account exists); lib/auth/throttle.ts turns them into a delay.
 */
export const signInThrottle = sqliteTable(
  "sign_in_throttle",
  {
    key: text("key").primaryKey(),
    failures: integer("failures").notNull(),
    lastFailureAt: integer("last_failure_at", { mode: "timestamp_ms" }).notNull(),
    blockedUntil: integer("blocked_until", { mode: "timestamp_ms" }),
  },
  (t) => [index("sign_in_throttle_last_failure_idx").on(t.lastFailureAt)],
);

/**
 * Records this instance signed (lib/signing/signature.ts): a round's finalisation (digest, framework, audit
 * head) and checkpoints of the audit chain's head. Append-only (triggers); a reopened and re-finalised round
 * has one row per finalisation.
 */
export const signatures = sqliteTable(
  "signatures",
  {
    id: integer("id").primaryKey(),
    kind: text("kind", { enum: ["finalisation", "checkpoint"] }).notNull(),
    roundId: integer("round_id").references(() => rounds.id),
    /** the signed record exactly as signed (canonical JSON is computed from it) */
    record: json<Record<string, unknown>>("record").notNull(),
    signature: text("signature").notNull(),
    publicKey: text("public_key").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("signatures_round_idx").on(t.roundId, t.id), index("signatures_kind_idx").on(t.kind, t.id)],
);
