import { UserEntity } from '../users/entities/user.entity';
import { Role } from '../users/role.enum';

/** The caller of a request, resolved once per request from its bearer token. */
export interface AuthUser {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  /** How the caller proved who they are. */
  via: 'session' | 'personal-access-token';
  /** The user row as loaded for this request. */
  account: UserEntity;
}

export interface AuthState {
  user: AuthUser | null;
  /** Why a presented token was refused; reported only where authentication is required. */
  failure: string | null;
}
