import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { ConnectionType } from '../../common/graphql/connection';
import { AdminProduct } from './admin-product.model';
import { ChangeKind, ReleaseSource } from './release-enums';

@ObjectType({ description: 'One structured change entry of a release' })
export class AdminReleaseChange {
  @Field(() => ID) id!: string;
  @Field(() => Int, { description: 'Order within the release, from 0' }) position!: number;
  @Field(() => ChangeKind) kind!: ChangeKind;
  @Field() summary!: string;
  @Field(() => [String], { description: 'Feature keys the change touches, e.g. "billing.invoices"' }) featureKeys!: string[];
}

@ObjectType({ description: 'A version of a product as shipped; immutable once recorded' })
export class AdminRelease {
  @Field(() => ID) id!: string;
  @Field(() => AdminProduct) product!: AdminProduct;
  @Field() version!: string;
  @Field() releasedAt!: Date;
  @Field() notesMarkdown!: string;
  @Field(() => ReleaseSource) source!: ReleaseSource;
  @Field(() => ID, { nullable: true, description: 'The staff member who recorded it; null for the webhook' }) recordedById!: string | null;
  @Field(() => [AdminReleaseChange], { description: 'In the order they were recorded' }) changes!: AdminReleaseChange[];
  @Field() createdAt!: Date;
}

@ObjectType()
export class AdminReleaseConnection extends ConnectionType(AdminRelease) {}

@ObjectType()
export class AdminRecordedRelease {
  @Field(() => AdminRelease) release!: AdminRelease;
  @Field({ description: 'False when this version was already recorded with the same content: nothing was written' }) created!: boolean;
}
