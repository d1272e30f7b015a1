import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType()
export class AdminCategoryTranslation {
  @Field() locale!: string;
  @Field() name!: string;
  @Field() slug!: string;
  @Field() description!: string;
  @Field(() => String, { nullable: true, description: 'Null: the name' }) seoTitle!: string | null;
  @Field(() => String, { nullable: true, description: 'Null: the description' }) seoDescription!: string | null;
  @Field(() => String, { nullable: true, description: 'Open Graph image URL' }) ogImageUrl!: string | null;
}

@ObjectType({ description: 'A node of the category tree; the tree is the flat list ordered by parent and position' })
export class AdminCategory {
  @Field(() => ID) id!: string;
  @Field(() => ID, { nullable: true }) parentId!: string | null;
  @Field(() => Int, { description: 'Order among siblings, from 0' }) position!: number;
  @Field(() => Int, { nullable: true, description: 'Review interval for its articles; null: the configured default' })
  reviewIntervalDays!: number | null;
  @Field(() => String, { nullable: true, description: 'The robots setting; null: index,follow (noindex while it has no published article)' }) robots!: string | null;
  @Field(() => [AdminCategoryTranslation]) translations!: AdminCategoryTranslation[];
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}


