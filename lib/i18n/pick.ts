import { formatPoints } from "./points";

/** Chooses the Chinese or English variant of a name stored in both languages. */
export function pick(locale: string, zh: string, en: string): string {
  return locale === "en" ? en : zh;
}

/** A round's name in the reader's language (rounds are named in Chinese; the English name is optional). */
export function roundName(locale: string, round: { name: string; nameEn?: string | null }): string {
  return pick(locale, round.name, round.nameEn || round.name);
}

/**
 * Message parameters stored in both languages ({ cityZh, cityEn, version }) or as hundredths of a point
 * ({ pointsHundredths }) as the reader needs them ({ city, version, points: "63.50" }).
 */
export function localParams(params: Record<string, string | number>, locale: string): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(params)) {
    if (key.endsWith("Hundredths") && typeof value === "number") {
      out[key.slice(0, -"Hundredths".length)] = formatPoints(value, locale);
      continue;
    }
    const lang = /(Zh|En)$/.exec(key)?.[1];
    if (!lang) out[key] = value;
    else if ((lang === "En") === (locale === "en")) out[key.slice(0, -2)] = value;
  }
  return out;
}
