import { Field, ID, ObjectType } from '@nestjs/graphql';
import { ConnectionType } from '../../common/graphql/connection';

@ObjectType({ description: 'A product that articles document and that ships releases' })
export class AdminProduct {
  @Field(() => ID) id!: string;
  @Field({ description: 'Stable machine key, e.g. "billing"; used by the release webhook and article filters' }) key!: string;
  @Field() name!: string;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}

@ObjectType()
export class AdminProductConnection extends ConnectionType(AdminProduct) {}
