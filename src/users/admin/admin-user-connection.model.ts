import { ObjectType } from '@nestjs/graphql';
import { ConnectionType } from '../../common/graphql/connection';
import { AdminUser } from './admin-user.model';

@ObjectType()
export class AdminUserConnection extends ConnectionType(AdminUser) {}
