import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'A key front ends send to the delivery API as "X-Api-Key: <key>"; the key itself is shown only when created' })
export class AdminDeliveryApiKey {
  @Field(() => ID) id!: string;
  @Field() label!: string;
  @Field({ description: 'First characters of the key, to recognise it' }) keyPrefix!: string;
  @Field(() => Int, { nullable: true, description: 'Requests per rate-limit window; null: the default (RATE_LIMIT_PER_KEY); 0: no limit' })
  rateLimit!: number | null;
  @Field(() => ID, { nullable: true, description: 'The admin who created it' }) createdById!: string | null;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
  @Field() createdAt!: Date;
}

@ObjectType()
export class AdminCreatedDeliveryApiKey {
  @Field({ description: 'The key; store it now, it cannot be shown again' }) key!: string;
  @Field(() => AdminDeliveryApiKey) deliveryApiKey!: AdminDeliveryApiKey;
}
