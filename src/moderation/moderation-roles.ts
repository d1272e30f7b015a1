import { ADMIN_ROLES, Role, STAFF_ROLES } from '../users/role.enum';

/** Who works the moderation queue, acts on content and members, and reads the audit log. */
export const MODERATION_ROLES: readonly Role[] = STAFF_ROLES;
/** Who changes the auto-moderation rules (settings, blocked words and patterns). */
export const MODERATION_SETTINGS_ROLES: readonly Role[] = ADMIN_ROLES;
