import { ChangeKind } from './entities/release-change.entity';

export interface ReleaseChangeContent {
  kind: ChangeKind;
  summary: string;
  featureKeys: string[];
}

/** What a release says; recording the same version again must say exactly this again. */
export interface ReleaseContent {
  version: string;
  releasedAt: Date;
  notesMarkdown: string;
  changes: ReleaseChangeContent[];
}

export interface ReleaseContentInput {
  version: string;
  releasedAt: Date;
  notesMarkdown?: string | null;
  changes?: { kind: ChangeKind; summary: string; featureKeys?: string[] | null }[] | null;
}

/** Fills defaults and drops repeated feature keys (first occurrence kept), so equal content compares equal. */
export function normalizeReleaseContent(input: ReleaseContentInput): ReleaseContent {
  return {
    version: input.version,
    releasedAt: input.releasedAt,
    notesMarkdown: input.notesMarkdown ?? '',
    changes: (input.changes ?? []).map((change) => ({
      kind: change.kind,
      summary: change.summary,
      featureKeys: [...new Set(change.featureKeys ?? [])],
    })),
  };
}

export type ReleaseField = 'version' | 'releasedAt' | 'notesMarkdown' | 'changes';

/** The fields in which two contents differ; empty when they are the same release (change order counts). */
export function releaseDifferences(stored: ReleaseContent, incoming: ReleaseContent): ReleaseField[] {
  const differences: ReleaseField[] = [];
  if (stored.version !== incoming.version) differences.push('version');
  if (stored.releasedAt.getTime() !== incoming.releasedAt.getTime()) differences.push('releasedAt');
  if (stored.notesMarkdown !== incoming.notesMarkdown) differences.push('notesMarkdown');
  const sameChanges =
    stored.changes.length === incoming.changes.length &&
    stored.changes.every((change, i) => {
      const other = incoming.changes[i];
      return (
        change.kind === other.kind &&
        change.summary === other.summary &&
        change.featureKeys.length === other.featureKeys.length &&
        change.featureKeys.every((key, k) => key === other.featureKeys[k])
      );
    });
  if (!sameChanges) differences.push('changes');
  return differences;
}
