import pino from "pino";

/**
 * The structured log: one JSON line per event on standard output, written synchronously so that the lines
 * before a crash are not lost in a buffer. LOG_LEVEL sets the threshold (info by default; "silent" for none).
 */
export const logger = pino(
  {
    level: process.env.LOG_LEVEL ?? "info",
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  },
  pino.destination({ sync: true }),
);
