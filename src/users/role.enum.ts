import { registerEnumType } from '@nestjs/graphql';

export enum Role {
  Admin = 'admin',
  Editor = 'editor',
  Moderator = 'moderator',
  Member = 'member',
}

/** Role sets used by `@Roles(...)`; declared once here, not per resolver. */
export const STAFF_ROLES: readonly Role[] = [Role.Admin, Role.Editor, Role.Moderator];
/** Who writes content (articles, categories, products). */
export const EDITORIAL_ROLES: readonly Role[] = [Role.Admin, Role.Editor];
/** Who changes what everyone gets (users, search settings). */
export const ADMIN_ROLES: readonly Role[] = [Role.Admin];
export const ALL_ROLES: readonly Role[] = [...STAFF_ROLES, Role.Member];

registerEnumType(Role, { name: 'Role', description: 'What a user may do: staff roles use the admin API, members the delivery API.' });
