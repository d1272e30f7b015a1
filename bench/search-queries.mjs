// Held-out search queries for the search benchmark: real question titles of the dup-questions test split
// (../shared/eval), which bench:generate leaves out of its article titles.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const EVAL = path.join(process.env.BENCH_EVAL_DIR ?? path.join(fileURLToPath(new URL('..', import.meta.url)), '../shared/eval'), 'dup-questions');
export const HELD_OUT_COUNT = 200;

function readJsonl(file) {
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

/** The titles of the first HELD_OUT_COUNT test-split queries (as in queries.jsonl), normalised as the generator's titles are. */
export function heldOutTitles() {
  const questions = new Map(readJsonl(path.join(EVAL, 'questions.jsonl')).map((q) => [q.id, q]));
  const titles = [];
  for (const q of readJsonl(path.join(EVAL, 'queries.jsonl'))) {
    if (q.split !== 'test') continue;
    const title = questions.get(q.query).title.trim().replace(/\s+/g, ' ');
    if (title.length < 10 || title.length > 150 || titles.includes(title)) continue;
    titles.push(title);
    if (titles.length === HELD_OUT_COUNT) break;
  }
  return titles;
}
