import { ADMIN_ROLES, EDITORIAL_ROLES, Role, STAFF_ROLES } from '../../users/role.enum';

/** Who may read the admin side of the knowledge base (articles, categories, stats). */
export const ARTICLE_READERS: readonly Role[] = STAFF_ROLES;

/** Who may write content and move it through the workflow. */
export const ARTICLE_WRITERS: readonly Role[] = EDITORIAL_ROLES;

/** Who may do what cannot be undone (hard delete). */
export const ARTICLE_ADMINS: readonly Role[] = ADMIN_ROLES;
