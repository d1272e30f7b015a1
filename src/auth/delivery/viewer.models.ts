import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'The signed-in member: their own account, visible only to them' })
export class Viewer {
  @Field(() => ID) id!: string;
  @Field() email!: string;
  @Field() displayName!: string;
  @Field(() => Int) trustLevel!: number;
  @Field() createdAt!: Date;
}

@ObjectType()
export class ViewerSession {
  @Field({ description: 'Send as "Authorization: Bearer <accessToken>"' }) accessToken!: string;
  @Field() expiresAt!: Date;
  @Field(() => Viewer) viewer!: Viewer;
}
