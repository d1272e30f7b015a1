import { Role } from '../../users/role.enum';
import { ArticleStatus } from '../entities/article-locale.entity';
import { decide, requireTransition, rolesFor, WorkflowAction, WorkflowDecision, WorkflowSubject } from './article-workflow';

const { Draft: D, InReview: R, Scheduled: S, Published: P, Unpublished: U, Archived: A } = ArticleStatus;
const STATUSES = [D, R, S, P, U, A] as const;

const editor = { id: 'editor-1', role: Role.Editor };
const otherEditor = { id: 'editor-2', role: Role.Editor };
const admin = { id: 'admin-1', role: Role.Admin };
const off = { requireSeparateApprover: false };
const on = { requireSeparateApprover: true };

function subject(status: ArticleStatus, overrides: Partial<WorkflowSubject> = {}): WorkflowSubject {
  return { status, everPublished: false, isDeleted: false, headAuthorId: null, ...overrides };
}

function outcome(decision: WorkflowDecision): string {
  return decision.allowed ? decision.to : decision.reason;
}

/**
 * Expected outcome of every action from every status (Draft, InReview, Scheduled, Published, Unpublished, Archived),
 * for a live article never published before, by an editor who did not write the head revision: the resulting status,
 * or the refusal reason. Written out by hand so a change to the table shows up here.
 */
const NEVER_PUBLISHED: Record<WorkflowAction, readonly string[]> = {
  [WorkflowAction.SaveDraft]: [D, D, S, P, U, 'ARTICLE_ARCHIVED'],
  [WorkflowAction.RestoreRevision]: [D, D, S, P, U, 'ARTICLE_ARCHIVED'],
  [WorkflowAction.RequestReview]: [R, R, S, P, R, 'ARTICLE_ARCHIVED'],
  [WorkflowAction.Approve]: [D, R, S, P, U, 'ARTICLE_ARCHIVED'],
  [WorkflowAction.RequestChanges]: [D, D, S, P, U, 'ARTICLE_ARCHIVED'],
  [WorkflowAction.Publish]: [P, P, P, P, P, 'ARTICLE_ARCHIVED'],
  [WorkflowAction.Schedule]: [S, S, S, P, S, 'ARTICLE_ARCHIVED'],
  [WorkflowAction.PublishScheduled]: ['ROLE_NOT_ALLOWED', 'ROLE_NOT_ALLOWED', 'ROLE_NOT_ALLOWED', 'ROLE_NOT_ALLOWED', 'ROLE_NOT_ALLOWED', 'ROLE_NOT_ALLOWED'],
  [WorkflowAction.CancelSchedule]: [D, R, D, P, U, 'NOTHING_SCHEDULED'],
  [WorkflowAction.Unpublish]: ['NOT_PUBLISHED', 'NOT_PUBLISHED', 'NOT_PUBLISHED', U, 'NOT_PUBLISHED', 'NOT_PUBLISHED'],
  [WorkflowAction.Archive]: [A, A, A, A, A, 'ARTICLE_ARCHIVED'],
  [WorkflowAction.Unarchive]: ['NOT_ARCHIVED', 'NOT_ARCHIVED', 'NOT_ARCHIVED', 'NOT_ARCHIVED', 'NOT_ARCHIVED', D],
  [WorkflowAction.Verify]: [D, R, S, P, U, 'ARTICLE_ARCHIVED'],
  [WorkflowAction.ChangeSlug]: [D, R, S, P, U, A],
  [WorkflowAction.UpdateMetadata]: [D, R, S, P, U, A],
  [WorkflowAction.Withdraw]: [D, R, D, U, U, A],
  [WorkflowAction.Delete]: [D, R, S, P, U, A],
  [WorkflowAction.Undelete]: ['ARTICLE_NOT_DELETED', 'ARTICLE_NOT_DELETED', 'ARTICLE_NOT_DELETED', 'ARTICLE_NOT_DELETED', 'ARTICLE_NOT_DELETED', 'ARTICLE_NOT_DELETED'],
  [WorkflowAction.Purge]: ['ROLE_NOT_ALLOWED', 'ROLE_NOT_ALLOWED', 'ROLE_NOT_ALLOWED', 'ROLE_NOT_ALLOWED', 'ROLE_NOT_ALLOWED', 'ROLE_NOT_ALLOWED'],
};

const ACTIONS = Object.values(WorkflowAction);

describe('article workflow', () => {
  it('lists an expectation for every action', () => {
    expect(Object.keys(NEVER_PUBLISHED).sort()).toEqual([...ACTIONS].sort());
  });

  it.each(ACTIONS)('%s leads where the table says from every status (never published, editor)', (action) => {
    expect(STATUSES.map((status) => outcome(decide(action, subject(status), otherEditor, off)))).toEqual(NEVER_PUBLISHED[action]);
  });

  it('goes back to Unpublished instead of Draft once the locale was ever published', () => {
    const published = { everPublished: true };
    expect(outcome(decide(WorkflowAction.CancelSchedule, subject(S, published), editor, off))).toBe(U);
    expect(outcome(decide(WorkflowAction.Unarchive, subject(A, published), editor, off))).toBe(U);
    expect(outcome(decide(WorkflowAction.Withdraw, subject(S, published), editor, off))).toBe(U);
  });

  describe('deleted articles', () => {
    const liveOnly = ACTIONS.filter((a) => ![WorkflowAction.Withdraw, WorkflowAction.Undelete, WorkflowAction.Purge, WorkflowAction.PublishScheduled].includes(a));

    it.each(liveOnly)('refuses %s on a deleted article with ARTICLE_DELETED', (action) => {
      for (const status of STATUSES) {
        expect(decide(action, subject(status, { isDeleted: true }), admin, off)).toMatchObject({ allowed: false, code: 'CONFLICT', reason: 'ARTICLE_DELETED' });
      }
    });

    it('lets writers restore and only admins purge a deleted article', () => {
      const deleted = subject(P, { isDeleted: true });
      expect(decide(WorkflowAction.Undelete, deleted, editor, off)).toEqual({ allowed: true, to: P });
      expect(decide(WorkflowAction.Purge, deleted, editor, off)).toMatchObject({ allowed: false, code: 'FORBIDDEN', reason: 'ROLE_NOT_ALLOWED' });
      expect(decide(WorkflowAction.Purge, deleted, admin, off)).toEqual({ allowed: true, to: P });
      expect(decide(WorkflowAction.Purge, subject(P), admin, off)).toMatchObject({ allowed: false, code: 'CONFLICT', reason: 'ARTICLE_NOT_DELETED' });
    });

    it('lets the system publish a due schedule only on a live article', () => {
      expect(decide(WorkflowAction.PublishScheduled, subject(S), null, off)).toEqual({ allowed: true, to: P });
      expect(decide(WorkflowAction.PublishScheduled, subject(S, { isDeleted: true }), null, off)).toMatchObject({ reason: 'ARTICLE_DELETED' });
    });
  });

  describe('who', () => {
    it.each(ACTIONS)('%s: members and moderators are refused with FORBIDDEN', (action) => {
      for (const role of [Role.Member, Role.Moderator]) {
        expect(decide(action, subject(D), { id: 'x', role }, off)).toMatchObject({ allowed: false, code: 'FORBIDDEN', reason: 'ROLE_NOT_ALLOWED' });
      }
    });

    it('declares the roles the resolvers use', () => {
      expect(rolesFor(WorkflowAction.Publish).sort()).toEqual([Role.Admin, Role.Editor].sort());
      expect(rolesFor(WorkflowAction.Purge)).toEqual([Role.Admin]);
      expect(rolesFor(WorkflowAction.PublishScheduled)).toEqual([]);
    });

    it('refuses a user-less caller for user actions', () => {
      expect(decide(WorkflowAction.Publish, subject(D), null, off)).toMatchObject({ allowed: false, reason: 'ROLE_NOT_ALLOWED' });
    });
  });

  describe('separation of duties', () => {
    const own = { headAuthorId: editor.id };
    const guarded = [WorkflowAction.Approve, WorkflowAction.Publish, WorkflowAction.Schedule];

    it.each(guarded)('%s: the author of the head revision is refused when separation is required', (action) => {
      expect(decide(action, subject(R, own), editor, on)).toMatchObject({ allowed: false, code: 'FORBIDDEN', reason: 'SEPARATE_APPROVER_REQUIRED' });
      expect(decide(action, subject(R, own), otherEditor, on).allowed).toBe(true);
      expect(decide(action, subject(R, own), admin, on).allowed).toBe(true);
      expect(decide(action, subject(R, { headAuthorId: admin.id }), admin, on).allowed).toBe(true);
      expect(decide(action, subject(R, own), editor, off).allowed).toBe(true);
    });

    it.each(ACTIONS.filter((a) => !guarded.includes(a)))('%s: the author is never refused for being the author', (action) => {
      for (const status of STATUSES) {
        const subjectOf = subject(status, { ...own, isDeleted: action === WorkflowAction.Undelete || action === WorkflowAction.Purge });
        const actor = action === WorkflowAction.Purge ? { ...admin, id: editor.id } : action === WorkflowAction.PublishScheduled ? null : editor;
        expect(decide(action, subjectOf, actor, on)).toEqual(decide(action, subjectOf, actor, off));
      }
    });
  });

  it('throws refusals as CONFLICT or FORBIDDEN with the reason', () => {
    expect(() => requireTransition(WorkflowAction.Unpublish, subject(D), editor, off)).toThrow(expect.objectContaining({ code: 'CONFLICT', details: { reason: 'NOT_PUBLISHED', status: D } }));
    expect(() => requireTransition(WorkflowAction.Purge, subject(D, { isDeleted: true }), editor, off)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(requireTransition(WorkflowAction.Publish, subject(D), editor, off)).toBe(P);
  });
});
