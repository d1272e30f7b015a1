import { UserEntity } from '../users/entities/user.entity';
import { Role } from '../users/role.enum';

/** The caller of a request, resolved once per request from its bearer token. */
export interface AuthUser {
  id: string;
  email: string;
  displayName: string;
  /** The role this request acts with: the user's, or a personal access token's narrower one. */
  role: Role;
  /** How the caller proved who they are. */
  via: 'session' | 'personal-access-token';
  /** Set when the caller used a personal access token. */
  accessToken?: { id: string; readOnly: boolean };
  /** The user row as loaded for this request. */
  account: UserEntity;
}

export interface AuthState {
  user: AuthUser | null;
  /** Why a presented token was refused; reported only where authentication is required. */
  failure: string | null;
}

/** A caller acting with the full role of their account (a signed-in session). */
export function sessionUser(user: UserEntity): AuthUser {
  return { id: user.id, email: user.email, displayName: user.displayName, role: user.role, via: 'session', account: user };
}
