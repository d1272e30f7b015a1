import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType()
export class AdminCategoryTranslation {
  @Field() locale!: string;
  @Field() name!: string;
  @Field() slug!: string;
  @Field() description!: string;
}

@ObjectType({ description: 'A node of the category tree; the tree is the flat list ordered by parent and position' })
export class AdminCategory {
  @Field(() => ID) id!: string;
  @Field(() => ID, { nullable: true }) parentId!: string | null;
  @Field(() => Int, { description: 'Order among siblings, from 0' }) position!: number;
  @Field(() => Int, { nullable: true, description: 'Review interval for its articles; null: the configured default' })
  reviewIntervalDays!: number | null;
  @Field(() => [AdminCategoryTranslation]) translations!: AdminCategoryTranslation[];
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}


