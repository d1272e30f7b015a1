/** PostgreSQL text search configuration per locale; CJK text is segmented before it reaches `simple`. */
const CONFIGS: Record<string, string> = {
  en: 'english',
  de: 'german',
  fr: 'french',
  es: 'spanish',
  it: 'italian',
  pt: 'portuguese',
  nl: 'dutch',
  sv: 'swedish',
  da: 'danish',
  fi: 'finnish',
  nb: 'norwegian',
  ru: 'russian',
};

export function textSearchConfig(locale: string): string {
  return CONFIGS[locale.split('-')[0].toLowerCase()] ?? 'simple';
}
