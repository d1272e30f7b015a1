import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'Everything personal Evergreen keeps about the signed-in account' })
export class PersonalDataExport {
  @Field() exportedAt!: Date;
  @Field({ description: 'The data as a JSON document (format evergreen-personal-data/1): profile, tokens, notifications, feedback, …' })
  json!: string;
}

@ObjectType()
export class AccountDeletion {
  @Field() deletedAt!: Date;
}
