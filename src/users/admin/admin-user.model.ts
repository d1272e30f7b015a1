import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Role } from '../role.enum';

@ObjectType({ description: 'A user as staff see it in the admin API' })
export class AdminUser {
  @Field(() => ID) id!: string;
  @Field() email!: string;
  @Field() displayName!: string;
  @Field(() => Role) role!: Role;
  @Field(() => Int, { description: 'Forum trust level, 0 (new) to 4' }) trustLevel!: number;
  @Field() isActive!: boolean;
  @Field(() => Date, { nullable: true }) deactivatedAt!: Date | null;
  @Field(() => Date, { nullable: true }) lastLoginAt!: Date | null;
  @Field() createdAt!: Date;
}
