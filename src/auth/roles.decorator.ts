import { SetMetadata } from '@nestjs/common';
import { Role } from '../users/role.enum';

export const ROLES_KEY = 'evergreen:roles';
export const PUBLIC_KEY = 'evergreen:public';

/** The roles that may call a resolver. Every resolver declares @Roles or @Public. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

/** Callable without a token (delivery reads, sign-up, login). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);
