import { ArticleFeedbackEntity } from '../entities/article-feedback.entity';
import { RevisionDiff } from '../revisions/diff-revisions';
import { AdminFeedbackComment } from './admin-article-stats.model';
import { AdminDiffSegmentKind, AdminLineChangeKind, AdminRevisionDiff } from './admin-revision-diff.model';

export function toAdminRevisionDiff(diff: RevisionDiff): AdminRevisionDiff {
  return {
    ...diff,
    title: diff.title.map((s) => ({ kind: s.kind as AdminDiffSegmentKind, text: s.text })),
    body: diff.body.map((line) => ({
      ...line,
      kind: line.kind as AdminLineChangeKind,
      segments: line.segments.map((s) => ({ kind: s.kind as AdminDiffSegmentKind, text: s.text })),
    })),
  };
}

export function toAdminFeedbackComment(node: ArticleFeedbackEntity): AdminFeedbackComment {
  return { id: node.id, locale: node.locale, helpful: node.isHelpful, comment: node.comment ?? '', fromMember: node.memberId !== null, createdAt: node.createdAt };
}
