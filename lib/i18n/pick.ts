/** Chooses the Chinese or English variant of a name stored in both languages. */
export function pick(locale: string, zh: string, en: string): string {
  return locale === "en" ? en : zh;
}

/** Points are kept as integer hundredths; shown with up to two decimals. */
export function formatPoints(hundredths: number): string {
  return (hundredths / 100).toString();
}
