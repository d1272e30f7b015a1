/**
 * The stale-docs evaluation folder format (`../shared/eval/stale-docs/README.md`): releases.jsonl with
 * each release's notes and article snapshot (path → blob), articles.jsonl with the texts. Only what the
 * protocol lets a system read is exposed here: version, split, date, notes and the snapshot texts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface EvalRelease {
  version: string;
  split: string;
  date: string;
  notes: string;
  /** path → markdown, the snapshot the system sees. */
  articles: Map<string, string>;
}

export interface Prediction {
  version: string;
  flagged: string[];
  ranking: string[];
}

function jsonl<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as T);
}

export function loadStaleDocsFolder(folder: string, split?: string): EvalRelease[] {
  const texts = new Map(jsonl<{ blob: string; text: string }>(join(folder, 'articles.jsonl')).map((a) => [a.blob, a.text]));
  const rows = jsonl<{ version: string; split: string; date: string; notes: string; articles: Record<string, string> }>(join(folder, 'releases.jsonl'));
  return rows
    .filter((row) => !split || row.split === split)
    .map((row) => ({
      version: row.version,
      split: row.split,
      date: row.date,
      notes: row.notes,
      articles: new Map(
        Object.entries(row.articles).map(([path, blob]) => {
          const text = texts.get(blob);
          if (text === undefined) throw new Error(`${join(folder, 'articles.jsonl')}: no text for blob ${blob} (${row.version} ${path})`);
          return [path, text];
        }),
      ),
    }));
}

/** A page's title: front-matter `title:`, else its first `# ` heading, else its path. */
export function titleOf(path: string, markdown: string): string {
  const fm = /^---\n[\s\S]*?^title:\s*(.+)$[\s\S]*?\n---/m.exec(markdown);
  if (fm) return fm[1].trim().replace(/^['"]|['"]$/g, '');
  const h1 = /^#\s+(.+)$/m.exec(markdown);
  return h1 ? h1[1].trim() : path;
}
