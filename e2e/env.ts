import path from "node:path";

export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const E2E_DATA_DIR = path.resolve(process.env.E2E_DATA_DIR ?? ".data-e2e");
/** Where the e2e run's SMTP server (e2e/server.ts) keeps the messages it receives, one .eml file each. */
export const E2E_MAIL_DIR = path.join(E2E_DATA_DIR, "mail");
