import { registerEnumType } from '@nestjs/graphql';

export enum Role {
  Admin = 'admin',
  Editor = 'editor',
  Moderator = 'moderator',
  Member = 'member',
}

export const STAFF_ROLES: readonly Role[] = [Role.Admin, Role.Editor, Role.Moderator];
export const ALL_ROLES: readonly Role[] = [...STAFF_ROLES, Role.Member];

registerEnumType(Role, { name: 'Role', description: 'What a user may do: staff roles use the admin API, members the delivery API.' });
