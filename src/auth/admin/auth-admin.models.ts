import { Field, ID, ObjectType } from '@nestjs/graphql';
import { AdminUser } from '../../users/admin/admin-user.model';
import { Role } from '../../users/role.enum';

@ObjectType()
export class AdminSession {
  @Field({ description: 'Send as "Authorization: Bearer <accessToken>"' }) accessToken!: string;
  @Field() expiresAt!: Date;
  @Field(() => AdminUser) user!: AdminUser;
}

@ObjectType({ description: 'A personal access token; the secret itself is shown only when created' })
export class AdminAccessToken {
  @Field(() => ID) id!: string;
  @Field(() => ID, { description: 'The owner' }) userId!: string;
  @Field() name!: string;
  @Field({ description: 'First characters of the token, to recognise it' }) tokenPrefix!: string;
  @Field(() => Role, { description: "What the token may do (at most its owner's role)" }) role!: Role;
  @Field({ description: 'Refused every mutation' }) readOnly!: boolean;
  @Field(() => Date, { nullable: true }) expiresAt!: Date | null;
  @Field(() => Date, { nullable: true, description: 'Last request made with it, to the minute' }) lastUsedAt!: Date | null;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
  @Field() createdAt!: Date;
}

@ObjectType()
export class AdminCreatedAccessToken {
  @Field({ description: 'The secret; store it now, it cannot be shown again' }) token!: string;
  @Field(() => AdminAccessToken) accessToken!: AdminAccessToken;
}
