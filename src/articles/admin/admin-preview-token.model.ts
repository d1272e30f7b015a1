import { Field, ID, ObjectType } from '@nestjs/graphql';
import { ConnectionType } from '../../common/graphql/connection';

@ObjectType({ description: 'A draft-preview token for the delivery API (the secret is shown only when it is created)' })
export class AdminPreviewToken {
  @Field(() => ID) id!: string;
  @Field() label!: string;
  @Field({ description: 'First characters of the token, to recognise it' }) tokenPrefix!: string;
  @Field(() => ID, { nullable: true, description: 'Scope: this article only (null: every article of the locale)' }) articleId!: string | null;
  @Field(() => String, { nullable: true, description: 'Scope: this locale only (null: every locale of the article)' }) locale!: string | null;
  @Field(() => ID, { nullable: true }) createdBy!: string | null;
  @Field() createdAt!: Date;
  @Field() expiresAt!: Date;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
  @Field(() => ID, { nullable: true }) revokedBy!: string | null;
  @Field({ description: 'Neither expired nor revoked, and its minting account is still an active editor or admin' }) isActive!: boolean;
}

@ObjectType()
export class AdminPreviewTokenConnection extends ConnectionType(AdminPreviewToken) {}

@ObjectType({ description: 'A new preview token: send `token` as the X-Preview-Token header of delivery requests' })
export class AdminCreatedPreviewToken {
  @Field({ description: 'The secret, shown once (only its hash is stored)' }) token!: string;
  @Field(() => AdminPreviewToken) previewToken!: AdminPreviewToken;
}
