import { UserEntity } from '../entities/user.entity';
import { AdminUser } from './admin-user.model';

export function toAdminUser(user: UserEntity): AdminUser {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    trustLevel: user.trustLevel,
    isActive: user.deactivatedAt === null,
    deactivatedAt: user.deactivatedAt,
    lastLoginAt: user.lastLoginAt,
    createdAt: user.createdAt,
  };
}
