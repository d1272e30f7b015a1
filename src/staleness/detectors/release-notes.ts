/**
 * Release notes (markdown) → change entries. Understands the common shapes: conventional-commit bullets
 * (`* feat(ssr): …`, `* fix!: …`), scoped bullets under kind headings (`Bug Fixes:` / `### Features`
 * then `* **ssr:** …`), keep-a-changelog headings (`### Removed`) and prose lines. Pure.
 */

export type EntryKind = 'added' | 'changed' | 'deprecated' | 'removed' | 'fixed' | 'security';

export interface ParsedChange {
  kind: EntryKind;
  summary: string;
  /** The conventional-commit or bold scope (`ssr`, `build`), as feature-key hints. */
  scopes: string[];
}

const PREFIX_KIND: Record<string, EntryKind> = {
  feat: 'added',
  feature: 'added',
  fix: 'fixed',
  // Performance work and refactors keep documented behaviour: they rank with fixes unless their wording
  // says something was removed or deprecated.
  perf: 'fixed',
  refactor: 'fixed',
  revert: 'changed',
  security: 'security',
};

function headingKind(heading: string): EntryKind | null {
  const h = heading.toLowerCase();
  if (/breaking/.test(h)) return 'changed';
  if (/deprecat/.test(h)) return 'deprecated';
  if (/remov/.test(h)) return 'removed';
  if (/secur/.test(h)) return 'security';
  if (/fix/.test(h)) return 'fixed';
  if (/feat|add|new/.test(h)) return 'added';
  if (/perf|refactor|revert|change|main/.test(h)) return 'changed';
  return null;
}

/** Words in a summary that make a change a removal or deprecation whatever its section says. */
function wordingKind(summary: string, fallback: EntryKind, internal: boolean): EntryKind {
  const s = summary.toLowerCase();
  if (/\bdeprecat/.test(s)) return 'deprecated';
  if (/\b(remove|removed|removes|drop|drops|dropped|no longer)\b/.test(s) && (fallback !== 'fixed' || internal)) return 'removed';
  return fallback;
}

const CC_BULLET = /^([a-z]+)(?:\(([^)]*)\))?(!)?:\s*(.+)$/i;
const BOLD_SCOPE = /^\*\*([^*]+?):?\*\*:?\s*(.+)$/;

export function parseReleaseNotes(notes: string): ParsedChange[] {
  const out: ParsedChange[] = [];
  let sectionKind: EntryKind | null = null;
  for (const rawLine of notes.split('\n')) {
    const line = rawLine.trim();
    if (!line) continue;
    const heading = /^#{1,6}\s+(.*)$/.exec(line) ?? /^([A-Z][A-Za-z ]{2,40}):$/.exec(line);
    if (heading) {
      // A version heading (`## 5.1.0 (2024-02-08)`) resets the section.
      sectionKind = /^\[?v?\d+\.\d+/.test(heading[1]) ? null : headingKind(heading[1]);
      continue;
    }
    if (line.startsWith('>')) continue;
    const bullet = /^(?:[*+-]|\d+\.)\s+(.*)$/.exec(line);
    let text = (bullet ? bullet[1] : line).trim();
    let kind: EntryKind = sectionKind ?? 'changed';
    const scopes: string[] = [];
    let internal = false;
    const cc = CC_BULLET.exec(text);
    if (cc && (PREFIX_KIND[cc[1].toLowerCase()] || ['chore', 'docs', 'test', 'build', 'ci', 'style'].includes(cc[1].toLowerCase()))) {
      const prefix = cc[1].toLowerCase();
      kind = PREFIX_KIND[prefix] ?? 'changed';
      internal = prefix === 'perf' || prefix === 'refactor';
      if (cc[3]) kind = 'changed';
      if (cc[2]) scopes.push(...cc[2].split(/[,\s]+/).filter(Boolean));
      text = cc[4];
    } else {
      const bold = BOLD_SCOPE.exec(text);
      if (bold) {
        scopes.push(...bold[1].split(/[,\s]+/).filter(Boolean));
        text = bold[2];
      }
    }
    text = text.replace(/\s*\((?:fix(?:es)?\s+)?#\d+\)/gi, '').replace(/\s+#\d+\b/g, '').trim();
    if (text.length < 3) continue;
    out.push({ kind: wordingKind(text, kind, internal), summary: text, scopes });
  }
  return out;
}
