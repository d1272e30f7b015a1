import { Role, STAFF_ROLES } from '../users/role.enum';

/**
 * The roles a personal access token of an owner with `ownerRole` may carry: at most the owner's
 * role. Admins may issue a token with any staff role (a narrower one for a script that only
 * edits content, say); editors and moderators only their own role; members none.
 */
export function grantableTokenRoles(ownerRole: Role): readonly Role[] {
  if (ownerRole === Role.Admin) return STAFF_ROLES;
  return STAFF_ROLES.includes(ownerRole) ? [ownerRole] : [];
}

/**
 * The role a token acts with now: its own, while its owner still could grant it; null once the
 * owner's role no longer covers it (a demoted owner's stronger tokens stop working).
 */
export function effectiveTokenRole(tokenRole: Role, ownerRole: Role): Role | null {
  return grantableTokenRoles(ownerRole).includes(tokenRole) ? tokenRole : null;
}
