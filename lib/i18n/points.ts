/**
 * Points as people read them. Everywhere else points are integer hundredths (the engine, the database, the
 * report's figures); this is the one place that turns them into text: two decimals in the reader's locale
 * ("63.50"), or four where an explanation shows the share before rounding. Averages of hundredths are not
 * whole numbers; they are rounded here, once, for display.
 */

const formats = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: string, decimals: number, style: "decimal" | "percent"): Intl.NumberFormat {
  const key = `${locale}|${decimals}|${style}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style, minimumFractionDigits: decimals, maximumFractionDigits: decimals });
    formats.set(key, format);
  }
  return format;
}

/** Hundredths of a point as text: `formatPoints(6350, "zh-CN")` → "63.50". */
export function formatPoints(hundredths: number, locale: string, decimals = 2): string {
  return numberFormat(locale, decimals, "decimal").format(hundredths / 100);
}

/** A share in [0, 1] as a percentage with two decimals: `formatPercent(0.5994, "en")` → "59.94%". */
export function formatPercent(fraction: number, locale: string): string {
  return numberFormat(locale, 2, "percent").format(fraction);
}
