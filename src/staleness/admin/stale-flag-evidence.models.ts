import { createUnionType, Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

@ObjectType({ description: 'A passage of the article (offsets into the published revision body) that matched a change' })
export class MatchedPassage {
  @Field(() => Int) start!: number;
  @Field(() => Int) end!: number;
  @Field() heading!: string;
  @Field() excerpt!: string;
  @Field(() => Float) score!: number;
}

@ObjectType()
export class MatchedChange {
  @Field(() => ID, { nullable: true, description: 'The release change entry; null for a line of the release notes' }) changeId!: string | null;
  @Field() kind!: string;
  @Field() summary!: string;
  @Field(() => Float) score!: number;
  @Field() viaFeatureKey!: boolean;
  @Field(() => [MatchedPassage]) passages!: MatchedPassage[];
}

@ObjectType({ description: 'Evidence of a product-change flag' })
export class ProductChangeEvidence {
  readonly kind = 'product_change' as const;
  @Field(() => ID) releaseId!: string;
  @Field() version!: string;
  @Field(() => Date, { nullable: true }) releasedAt!: Date | null;
  @Field(() => ID, { nullable: true }) productId!: string | null;
  @Field(() => ID) revisionId!: string;
  @Field(() => Float) score!: number;
  @Field(() => [MatchedChange]) changes!: MatchedChange[];
}

@ObjectType({ description: 'Evidence of a review-overdue flag' })
export class ReviewOverdueEvidence {
  readonly kind = 'review_overdue' as const;
  @Field({ description: 'When the review was due' }) nextReviewAt!: Date;
  @Field(() => Int) reviewIntervalDays!: number;
  @Field(() => Int) daysOverdue!: number;
}

@ObjectType({ description: 'Evidence of a negative-feedback flag: votes on the published revision' })
export class NegativeFeedbackEvidence {
  readonly kind = 'negative_feedback' as const;
  @Field(() => Int) windowDays!: number;
  @Field(() => Int) helpful!: number;
  @Field(() => Int) notHelpful!: number;
  @Field(() => Float, { description: 'Wilson lower bound (95 %) of the helpful share' }) wilsonLowerBound!: number;
  @Field(() => Float) threshold!: number;
  @Field(() => [String], { description: 'Latest comments left with a "not helpful" vote' }) comments!: string[];
}

@ObjectType({ description: 'Evidence of an outdated-translation flag' })
export class OutdatedTranslationEvidence {
  readonly kind = 'outdated_translation' as const;
  @Field() sourceLocale!: string;
  @Field(() => Int) sourceRevisionNumber!: number;
  @Field(() => Int, { nullable: true }) translatedFromRevisionNumber!: number | null;
}

@ObjectType({ description: 'A forum thread of a recurring-question cluster' })
export class RecurringQuestionThreadRef {
  @Field(() => ID) threadId!: string;
  @Field() title!: string;
  @Field() createdAt!: Date;
}

export enum RecurringPointer {
  Links = 'links',
  Citations = 'citations',
  Similarity = 'similarity',
}
registerEnumType(RecurringPointer, {
  name: 'RecurringPointer',
  description: 'Why a recurring-question cluster points at the article: threads link to it, accepted answers cite it, or its text is similar to the questions',
});

@ObjectType({ description: 'Evidence of a recurring-questions flag: people keep asking despite this article' })
export class RecurringQuestionsEvidence {
  readonly kind = 'recurring_questions' as const;
  @Field(() => ID) clusterId!: string;
  @Field(() => Int, { description: 'Distinct askers in the window' }) askers!: number;
  @Field(() => [RecurringQuestionThreadRef]) threads!: RecurringQuestionThreadRef[];
  @Field(() => [String]) commonTerms!: string[];
  @Field(() => RecurringPointer, { nullable: true, description: 'Null for flags raised before this was recorded' }) pointedBy!: RecurringPointer | null;
  @Field(() => Float, { nullable: true, description: "The article's similarity to the questions (0–1), when that is why it was chosen" })
  articleSimilarity!: number | null;
}

export type StaleFlagEvidenceType =
  | ProductChangeEvidence
  | ReviewOverdueEvidence
  | NegativeFeedbackEvidence
  | OutdatedTranslationEvidence
  | RecurringQuestionsEvidence;

export const StaleFlagEvidence = createUnionType({
  name: 'StaleFlagEvidence',
  description: "A stale flag's evidence; one type per signal",
  types: () => [ProductChangeEvidence, ReviewOverdueEvidence, NegativeFeedbackEvidence, OutdatedTranslationEvidence, RecurringQuestionsEvidence] as const,
  resolveType: (value: StaleFlagEvidenceType) => {
    switch (value.kind) {
      case 'product_change':
        return ProductChangeEvidence;
      case 'review_overdue':
        return ReviewOverdueEvidence;
      case 'negative_feedback':
        return NegativeFeedbackEvidence;
      case 'outdated_translation':
        return OutdatedTranslationEvidence;
      case 'recurring_questions':
        return RecurringQuestionsEvidence;
    }
  },
});
