/**
 * The events a webhook can subscribe to, apart from the signing (no Node APIs: the admin's form lists them in the
 * browser). What a receiver hears of: a module submitted, returned, verified, or reopened for review after it was verified
 * (its verified values no longer final); a round finalised, or reopened after it was (its results no longer final).
 */
export const WEBHOOK_EVENTS = ["submitted", "returned", "verified", "reopened", "finalised", "round_reopened"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
