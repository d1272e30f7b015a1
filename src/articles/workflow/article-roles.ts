import { Role } from '../../users/role.enum';

/** Who may read the admin side of the knowledge base (articles, categories, stats). */
export const ARTICLE_READERS: readonly Role[] = [Role.Admin, Role.Editor, Role.Moderator];

/** Who may write content and move it through the workflow. */
export const ARTICLE_WRITERS: readonly Role[] = [Role.Admin, Role.Editor];

/** Who may do what cannot be undone (hard delete). */
export const ARTICLE_ADMINS: readonly Role[] = [Role.Admin];
