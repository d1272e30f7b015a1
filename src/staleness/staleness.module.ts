import { Module, OnModuleInit } from '@nestjs/common';
import { ArticlesModule } from '../articles/articles.module';
import { ConflictError } from '../common/errors/app-error';
import { AppConfig } from '../config/app-config';
import { JobRunner } from '../jobs/job-runner';
import { SearchModule } from '../search/search.module';
import { RecurringQuestionsModule } from './recurring/recurring-questions.module';
import { RecurringQuestionsService } from './recurring/recurring-questions.service';
import { StalenessScanService } from './staleness-scan.service';
import { StalenessService } from './staleness.service';

export const STALENESS_SCAN_JOB = 'staleness-scan';
/** Sentence vectors of stored recurring questions (decision 0022): one instance at a time, within the queue's 300 s expiry. */
export const RECURRING_EMBEDDINGS_JOB = 'recurring-embeddings';
const RECURRING_EMBEDDINGS_EVERY_SECONDS = 60;
const RECURRING_EMBEDDINGS_BUDGET_MS = 240_000;

@Module({
  imports: [RecurringQuestionsModule, ArticlesModule, SearchModule],
  providers: [StalenessService, StalenessScanService],
  exports: [StalenessService, StalenessScanService],
})
export class StalenessModule implements OnModuleInit {
  constructor(
    private readonly jobs: JobRunner,
    private readonly scans: StalenessScanService,
    private readonly config: AppConfig,
    private readonly recurring: RecurringQuestionsService,
  ) {}

  onModuleInit(): void {
    if (this.config.recurringQuestions.sentenceEncoder) {
      this.jobs.queue({
        name: RECURRING_EMBEDDINGS_JOB,
        everySeconds: RECURRING_EMBEDDINGS_EVERY_SECONDS,
        run: () => this.recurring.embedAllPending(RECURRING_EMBEDDINGS_BUDGET_MS).then(() => undefined),
      });
    }
    const everySeconds = this.config.jobs.stalenessScanSeconds;
    if (everySeconds === 0) return;
    this.jobs.queue({
      name: STALENESS_SCAN_JOB,
      everySeconds,
      run: async () => {
        try {
          await this.scans.scanAll();
        } catch (error) {
          // A scan started from the CLI or the API holds the lock: this slot has nothing to do.
          if (!(error instanceof ConflictError)) throw error;
        }
      },
    });
  }
}
