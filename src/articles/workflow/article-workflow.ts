import { ConflictError, ForbiddenError } from '../../common/errors/app-error';
import { Role } from '../../users/role.enum';
import { ArticleStatus } from '../entities/article-locale.entity';
import { ARTICLE_ADMINS, ARTICLE_WRITERS } from './article-roles';

/** What can be done to one locale of an article (or, for the last three, to the whole article). */
export enum WorkflowAction {
  SaveDraft = 'saveDraft',
  /** An earlier revision's content becomes a new head revision (a draft; nothing public changes). */
  RestoreRevision = 'restoreRevision',
  RequestReview = 'requestReview',
  Approve = 'approve',
  RequestChanges = 'requestChanges',
  Publish = 'publish',
  Schedule = 'schedule',
  /** A due schedule publishes (the scheduled publisher; authorized when it was scheduled). */
  PublishScheduled = 'publishScheduled',
  CancelSchedule = 'cancelSchedule',
  Unpublish = 'unpublish',
  Archive = 'archive',
  Unarchive = 'unarchive',
  Verify = 'verify',
  ChangeSlug = 'changeSlug',
  /** Article-wide: category, products, tags, visibility, review interval. */
  UpdateMetadata = 'updateMetadata',
  /** Every locale of a (soft-)deleted article is taken off the public side. */
  Withdraw = 'withdraw',
  /** Article-wide: soft delete, its undo, and the irreversible delete. */
  Delete = 'delete',
  Undelete = 'undelete',
  Purge = 'purge',
}

/** Where an action leads: a status, the status it started from, or back to draft / unpublished depending on the past. */
type Target = ArticleStatus | 'same' | 'draftOrUnpublished';

interface Rule {
  /** Statuses the action may start from (the article's lifecycle for article-wide actions). */
  from: readonly ArticleStatus[] | 'any';
  /** Where it leads; per starting status where that differs. */
  to: Target | Partial<Record<ArticleStatus, Target>> & { otherwise: Target };
  /** The refusal when the status does not allow the action. */
  refusal: { reason: string; message: string };
  who: readonly Role[];
  /** With separation of duties on, the author of the head revision may not do it (admins may). */
  notByAuthor?: boolean;
  /** Whether the article must be live (not soft-deleted) or deleted. */
  article: 'live' | 'deleted' | 'either';
}

const ALL = Object.values(ArticleStatus);
const NOT_ARCHIVED = ALL.filter((status) => status !== ArticleStatus.Archived);
const ARCHIVED_REFUSAL = { reason: 'ARTICLE_ARCHIVED', message: 'The article is archived; restore it first' };

/** The whole workflow: who may do what from which state, and where it leads. Services consult only this. */
export const WORKFLOW: Readonly<Record<WorkflowAction, Rule>> = {
  [WorkflowAction.SaveDraft]: {
    from: NOT_ARCHIVED,
    to: { [ArticleStatus.InReview]: ArticleStatus.Draft, otherwise: 'same' },
    refusal: { reason: 'ARTICLE_ARCHIVED', message: 'An archived article cannot be edited; restore it first' },
    who: ARTICLE_WRITERS,
    article: 'live',
  },
  [WorkflowAction.RestoreRevision]: {
    from: NOT_ARCHIVED,
    to: { [ArticleStatus.InReview]: ArticleStatus.Draft, otherwise: 'same' },
    refusal: ARCHIVED_REFUSAL,
    who: ARTICLE_WRITERS,
    article: 'live',
  },
  [WorkflowAction.RequestReview]: {
    from: NOT_ARCHIVED,
    to: { [ArticleStatus.Draft]: ArticleStatus.InReview, [ArticleStatus.Unpublished]: ArticleStatus.InReview, otherwise: 'same' },
    refusal: ARCHIVED_REFUSAL,
    who: ARTICLE_WRITERS,
    article: 'live',
  },
  [WorkflowAction.Approve]: { from: NOT_ARCHIVED, to: 'same', refusal: ARCHIVED_REFUSAL, who: ARTICLE_WRITERS, notByAuthor: true, article: 'live' },
  [WorkflowAction.RequestChanges]: {
    from: NOT_ARCHIVED,
    to: { [ArticleStatus.InReview]: ArticleStatus.Draft, otherwise: 'same' },
    refusal: ARCHIVED_REFUSAL,
    who: ARTICLE_WRITERS,
    article: 'live',
  },
  [WorkflowAction.Publish]: { from: NOT_ARCHIVED, to: ArticleStatus.Published, refusal: ARCHIVED_REFUSAL, who: ARTICLE_WRITERS, notByAuthor: true, article: 'live' },
  [WorkflowAction.Schedule]: {
    from: NOT_ARCHIVED,
    to: { [ArticleStatus.Published]: ArticleStatus.Published, otherwise: ArticleStatus.Scheduled },
    refusal: ARCHIVED_REFUSAL,
    who: ARTICLE_WRITERS,
    notByAuthor: true,
    article: 'live',
  },
  [WorkflowAction.PublishScheduled]: { from: NOT_ARCHIVED, to: ArticleStatus.Published, refusal: ARCHIVED_REFUSAL, who: [], article: 'live' },
  [WorkflowAction.CancelSchedule]: {
    from: NOT_ARCHIVED,
    to: { [ArticleStatus.Scheduled]: 'draftOrUnpublished', otherwise: 'same' },
    refusal: { reason: 'NOTHING_SCHEDULED', message: 'Nothing is scheduled' },
    who: ARTICLE_WRITERS,
    article: 'live',
  },
  [WorkflowAction.Unpublish]: {
    from: [ArticleStatus.Published],
    to: ArticleStatus.Unpublished,
    refusal: { reason: 'NOT_PUBLISHED', message: 'The article is not published' },
    who: ARTICLE_WRITERS,
    article: 'live',
  },
  [WorkflowAction.Archive]: { from: NOT_ARCHIVED, to: ArticleStatus.Archived, refusal: ARCHIVED_REFUSAL, who: ARTICLE_WRITERS, article: 'live' },
  [WorkflowAction.Unarchive]: {
    from: [ArticleStatus.Archived],
    to: 'draftOrUnpublished',
    refusal: { reason: 'NOT_ARCHIVED', message: 'The article is not archived' },
    who: ARTICLE_WRITERS,
    article: 'live',
  },
  [WorkflowAction.Verify]: { from: NOT_ARCHIVED, to: 'same', refusal: ARCHIVED_REFUSAL, who: ARTICLE_WRITERS, article: 'live' },
  [WorkflowAction.ChangeSlug]: { from: 'any', to: 'same', refusal: ARCHIVED_REFUSAL, who: ARTICLE_WRITERS, article: 'live' },
  [WorkflowAction.UpdateMetadata]: { from: 'any', to: 'same', refusal: ARCHIVED_REFUSAL, who: ARTICLE_WRITERS, article: 'live' },
  [WorkflowAction.Withdraw]: {
    from: 'any',
    to: { [ArticleStatus.Published]: ArticleStatus.Unpublished, [ArticleStatus.Scheduled]: 'draftOrUnpublished', otherwise: 'same' },
    refusal: ARCHIVED_REFUSAL,
    who: ARTICLE_WRITERS,
    article: 'either',
  },
  [WorkflowAction.Delete]: { from: 'any', to: 'same', refusal: ARCHIVED_REFUSAL, who: ARTICLE_WRITERS, article: 'live' },
  [WorkflowAction.Undelete]: { from: 'any', to: 'same', refusal: ARCHIVED_REFUSAL, who: ARTICLE_WRITERS, article: 'deleted' },
  [WorkflowAction.Purge]: { from: 'any', to: 'same', refusal: ARCHIVED_REFUSAL, who: ARTICLE_ADMINS, article: 'deleted' },
};

export interface WorkflowSubject {
  status: ArticleStatus;
  /** Published at least once (decides draft versus unpublished). */
  everPublished: boolean;
  isDeleted: boolean;
  /** The author of the head revision the action is about; null when unknown or not relevant. */
  headAuthorId: string | null;
}

/** Who acts; null for the system (the scheduled publisher). */
export interface WorkflowActor {
  id: string;
  role: Role;
}

export interface WorkflowPolicy {
  /** Separation of duties: the author of a revision may not approve, publish or schedule it (admins may). */
  requireSeparateApprover: boolean;
}

export type WorkflowDecision =
  | { allowed: true; to: ArticleStatus }
  | { allowed: false; code: 'CONFLICT' | 'FORBIDDEN'; reason: string; message: string };

/** Pure: may `actor` do `action` to `subject` under `policy`, and where does it lead? */
export function decide(action: WorkflowAction, subject: WorkflowSubject, actor: WorkflowActor | null, policy: WorkflowPolicy): WorkflowDecision {
  const rule = WORKFLOW[action];
  if (actor !== null && !rule.who.includes(actor.role)) {
    return { allowed: false, code: 'FORBIDDEN', reason: 'ROLE_NOT_ALLOWED', message: `A ${actor.role} may not ${action} an article` };
  }
  if (actor === null && rule.who.length > 0) {
    return { allowed: false, code: 'FORBIDDEN', reason: 'ROLE_NOT_ALLOWED', message: `${action} needs a user` };
  }
  if (rule.article === 'live' && subject.isDeleted) {
    return { allowed: false, code: 'CONFLICT', reason: 'ARTICLE_DELETED', message: 'The article is deleted; restore it first' };
  }
  if (rule.article === 'deleted' && !subject.isDeleted) {
    return { allowed: false, code: 'CONFLICT', reason: 'ARTICLE_NOT_DELETED', message: 'Only a deleted article can be restored or deleted for good' };
  }
  if (rule.from !== 'any' && !rule.from.includes(subject.status)) {
    return { allowed: false, code: 'CONFLICT', ...rule.refusal };
  }
  if (rule.notByAuthor && policy.requireSeparateApprover && actor !== null && actor.role !== Role.Admin && subject.headAuthorId === actor.id) {
    return {
      allowed: false,
      code: 'FORBIDDEN',
      reason: 'SEPARATE_APPROVER_REQUIRED',
      message: 'Separation of duties: another editor must approve or publish a revision you wrote',
    };
  }
  return { allowed: true, to: targetOf(rule, subject) };
}

/** `decide`, throwing the refusal as CONFLICT or FORBIDDEN; returns the status the action leads to. */
export function requireTransition(action: WorkflowAction, subject: WorkflowSubject, actor: WorkflowActor | null, policy: WorkflowPolicy): ArticleStatus {
  const decision = decide(action, subject, actor, policy);
  if (decision.allowed) return decision.to;
  const details = { reason: decision.reason, status: subject.status };
  throw decision.code === 'FORBIDDEN' ? new ForbiddenError(decision.message, details) : new ConflictError(decision.message, details);
}

/** The roles the table allows an action to (the admin resolver declares exactly these). */
export function rolesFor(action: WorkflowAction): Role[] {
  return [...WORKFLOW[action].who];
}

function targetOf(rule: Rule, subject: WorkflowSubject): ArticleStatus {
  const target = typeof rule.to === 'string' ? rule.to : (rule.to[subject.status] ?? rule.to.otherwise);
  if (target === 'same') return subject.status;
  if (target === 'draftOrUnpublished') return subject.everPublished ? ArticleStatus.Unpublished : ArticleStatus.Draft;
  return target;
}
