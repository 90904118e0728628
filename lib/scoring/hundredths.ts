/**
 * Points are integer hundredths from the framework file's reader to the view: the engine, the database, the
 * digest and the report's figures all count in hundredths, so that no sum ever meets a binary fraction. These
 * are the two conversions at the edges where people write or read points as numbers: the framework file
 * ("8.5") and spreadsheet cells (so that a sum in Excel is a sum of points). Text goes through
 * lib/i18n/points.ts formatPoints.
 */

/** Points as the framework file writes them → hundredths (at most two decimals, checked by lib/framework/validate.ts). */
export function toHundredths(points: number): number {
  return Math.round(points * 100);
}

/** Hundredths → points as a number. */
export function toPoints(hundredths: number): number {
  return hundredths / 100;
}
