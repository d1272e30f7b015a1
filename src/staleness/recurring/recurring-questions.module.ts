import { Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { DEFAULT_RECURRING_QUESTIONS_OPTIONS, RECURRING_QUESTIONS_OPTIONS, RecurringQuestionsOptions } from './recurring-questions.service';
import { RecurringQuestionsService } from './recurring-questions.service';

/**
 * The recurring-question store and clustering, configured from RECURRING_MIN_ASKERS,
 * RECURRING_WINDOW_DAYS and RECURRING_SENTENCE_ENCODER (vectors written by the `recurring-embeddings` job,
 * registered by StalenessModule). Imported by StalenessModule: the staleness scan feeds it visible forum threads
 * and turns its clusters into stale flags or content gaps (docs/recurring-questions.md, "Wiring").
 */
@Module({
  providers: [
    {
      provide: RECURRING_QUESTIONS_OPTIONS,
      inject: [AppConfig],
      useFactory: (config: AppConfig): RecurringQuestionsOptions => ({
        ...DEFAULT_RECURRING_QUESTIONS_OPTIONS,
        windowDays: config.recurringQuestions.windowDays,
        rule: { ...DEFAULT_RECURRING_QUESTIONS_OPTIONS.rule, minAskers: config.recurringQuestions.minAskers },
        semantic: { ...DEFAULT_RECURRING_QUESTIONS_OPTIONS.semantic, enabled: config.recurringQuestions.sentenceEncoder },
      }),
    },
    RecurringQuestionsService,
  ],
  exports: [RecurringQuestionsService],
})
export class RecurringQuestionsModule {}
