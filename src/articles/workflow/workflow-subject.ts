import type { AuthUser } from '../../auth/auth-user';
import { ArticleLocaleEntity, ArticleStatus } from '../entities/article-locale.entity';
import { ArticleEntity } from '../entities/article.entity';
import { WorkflowActor, WorkflowSubject } from './article-workflow';

/** What the workflow table needs to know about a locale row. */
export function subjectOf(state: Pick<ArticleLocaleEntity, 'status' | 'firstPublishedAt'>, isDeleted: boolean, headAuthorId: string | null = null): WorkflowSubject {
  return { status: state.status, everPublished: state.firstPublishedAt !== null, isDeleted, headAuthorId };
}

export function toActor(user: AuthUser): WorkflowActor {
  return { id: user.id, role: user.role };
}

/** Article-wide actions (metadata, delete, restore, purge) start from any locale status; only deletion matters. */
export function articleSubject(article: Pick<ArticleEntity, 'deletedAt'>): WorkflowSubject {
  return { status: ArticleStatus.Draft, everPublished: false, isDeleted: article.deletedAt !== null, headAuthorId: null };
}
