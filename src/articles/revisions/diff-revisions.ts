import { ChangeObject, diffArrays, diffWordsWithSpace } from 'diff';

export interface RevisionText {
  number: number;
  title: string;
  bodyMarkdown: string;
}

export interface DiffOptions {
  /** Equal lines kept on each side of a change; all lines when omitted. */
  context?: number;
}

export type DiffSegmentKind = 'equal' | 'added' | 'removed';

export interface DiffSegment {
  kind: DiffSegmentKind;
  text: string;
}

export type LineChangeKind = 'equal' | 'added' | 'removed' | 'changed';

export interface LineChange {
  kind: LineChangeKind;
  oldLineNumber: number | null;
  newLineNumber: number | null;
  oldText: string | null;
  newText: string | null;
  /** Word-level for 'changed' lines; a single segment otherwise. */
  segments: DiffSegment[];
}

export interface RevisionDiff {
  fromNumber: number;
  toNumber: number;
  title: DiffSegment[];
  titleChanged: boolean;
  body: LineChange[];
  stats: { linesAdded: number; linesRemoved: number; linesChanged: number };
}

/** Beyond these many edits a body or line is shown as replaced, which keeps huge rewrites fast to diff. */
const MAX_LINE_EDITS = 1_000;
const MAX_WORD_EDITS = 1_000;
const CJK = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}]/u;
const wordSegmenter = new Intl.Segmenter('und', { granularity: 'word' });

export function diffRevisions(from: RevisionText, to: RevisionText, options: DiffOptions = {}): RevisionDiff {
  const body = diffBody(linesOf(from.bodyMarkdown), linesOf(to.bodyMarkdown));
  return {
    fromNumber: from.number,
    toNumber: to.number,
    title: diffWords(from.title, to.title),
    titleChanged: from.title !== to.title,
    body: options.context === undefined ? body : withinContext(body, options.context),
    stats: {
      linesAdded: countOf(body, 'added'),
      linesRemoved: countOf(body, 'removed'),
      linesChanged: countOf(body, 'changed'),
    },
  };
}

/** CRLF and CR become LF; one trailing newline is not a line of its own. */
function linesOf(markdown: string): string[] {
  const text = markdown.replace(/\r\n?/g, '\n');
  if (text === '') return [];
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}

function diffBody(oldLines: string[], newLines: string[]): LineChange[] {
  const changes = diffArrays(oldLines, newLines, { maxEditLength: MAX_LINE_EDITS }) ?? [
    { value: oldLines, removed: true, added: false, count: oldLines.length },
    { value: newLines, removed: false, added: true, count: newLines.length },
  ];
  const runs: LineChange[][] = [];
  const position = { oldLine: 1, newLine: 1 };
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i];
    const next = changes[i + 1];
    if (change.removed && next?.added) {
      runs.push(pairRuns(change.value, next.value, position));
      i++;
    } else if (change.added && next?.removed) {
      runs.push(pairRuns(next.value, change.value, position));
      i++;
    } else {
      runs.push(unpairedRun(change, position));
    }
  }
  return runs.flat();
}

interface Position {
  oldLine: number;
  newLine: number;
}

/** Removed and added lines side by side are paired in order into 'changed' lines; leftovers keep their kind. */
function pairRuns(removed: string[], added: string[], position: Position): LineChange[] {
  const paired = Math.min(removed.length, added.length);
  const lines: LineChange[] = [];
  for (let i = 0; i < paired; i++) lines.push(changedLine(removed[i], added[i], position));
  for (const text of removed.slice(paired)) lines.push(removedLine(text, position));
  for (const text of added.slice(paired)) lines.push(addedLine(text, position));
  return lines;
}

function unpairedRun(change: ChangeObject<string[]>, position: Position): LineChange[] {
  if (change.added) return change.value.map((text) => addedLine(text, position));
  if (change.removed) return change.value.map((text) => removedLine(text, position));
  return change.value.map((text) => equalLine(text, position));
}

function equalLine(text: string, position: Position): LineChange {
  return {
    kind: 'equal',
    oldLineNumber: position.oldLine++,
    newLineNumber: position.newLine++,
    oldText: text,
    newText: text,
    segments: [{ kind: 'equal', text }],
  };
}

function removedLine(text: string, position: Position): LineChange {
  return {
    kind: 'removed',
    oldLineNumber: position.oldLine++,
    newLineNumber: null,
    oldText: text,
    newText: null,
    segments: [{ kind: 'removed', text }],
  };
}

function addedLine(text: string, position: Position): LineChange {
  return {
    kind: 'added',
    oldLineNumber: null,
    newLineNumber: position.newLine++,
    oldText: null,
    newText: text,
    segments: [{ kind: 'added', text }],
  };
}

function changedLine(oldText: string, newText: string, position: Position): LineChange {
  return {
    kind: 'changed',
    oldLineNumber: position.oldLine++,
    newLineNumber: position.newLine++,
    oldText,
    newText,
    segments: diffWords(oldText, newText),
  };
}

/** Word-level segments; text with CJK characters is split into words by `Intl.Segmenter`, as it has no spaces. */
function diffWords(oldText: string, newText: string): DiffSegment[] {
  if (oldText === newText) return oldText === '' ? [] : [{ kind: 'equal', text: oldText }];
  const options = { maxEditLength: MAX_WORD_EDITS };
  const changes = CJK.test(oldText) || CJK.test(newText)
    ? diffArrays(wordsOf(oldText), wordsOf(newText), options)?.map(joinTokens)
    : diffWordsWithSpace(oldText, newText, options);
  const segments = changes?.map(toSegment) ?? [
    { kind: 'removed', text: oldText },
    { kind: 'added', text: newText },
  ];
  return mergeAdjacent(segments.filter((segment) => segment.text !== ''));
}

function wordsOf(text: string): string[] {
  return Array.from(wordSegmenter.segment(text), (part) => part.segment);
}

function joinTokens(change: ChangeObject<string[]>): ChangeObject<string> {
  return { ...change, value: change.value.join('') };
}

function toSegment(change: ChangeObject<string>): DiffSegment {
  const kind: DiffSegmentKind = change.added ? 'added' : change.removed ? 'removed' : 'equal';
  return { kind, text: change.value };
}

function mergeAdjacent(segments: DiffSegment[]): DiffSegment[] {
  const merged: DiffSegment[] = [];
  for (const segment of segments) {
    const last = merged[merged.length - 1];
    if (last?.kind === segment.kind) last.text += segment.text;
    else merged.push({ ...segment });
  }
  return merged;
}

/** Keeps equal lines at most `context` lines away from a change. */
function withinContext(body: LineChange[], context: number): LineChange[] {
  if (!Number.isInteger(context) || context < 0) {
    throw new RangeError(`Diff context must be a non-negative integer, got ${context}`);
  }
  const distance = distanceToChange(body);
  return body.filter((line, i) => line.kind !== 'equal' || distance[i] <= context);
}

function distanceToChange(body: LineChange[]): number[] {
  const distance = body.map(() => Number.POSITIVE_INFINITY);
  let last = Number.NEGATIVE_INFINITY;
  body.forEach((line, i) => {
    if (line.kind !== 'equal') last = i;
    distance[i] = i - last;
  });
  last = Number.POSITIVE_INFINITY;
  for (let i = body.length - 1; i >= 0; i--) {
    if (body[i].kind !== 'equal') last = i;
    distance[i] = Math.min(distance[i], last - i);
  }
  return distance;
}

function countOf(body: LineChange[], kind: LineChangeKind): number {
  return body.filter((line) => line.kind === kind).length;
}
