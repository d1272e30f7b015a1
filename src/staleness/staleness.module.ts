import { Module, OnModuleInit } from '@nestjs/common';
import { ArticlesModule } from '../articles/articles.module';
import { ConflictError } from '../common/errors/app-error';
import { JobRunner } from '../jobs/job-runner';
import { SearchModule } from '../search/search.module';
import { RecurringQuestionsModule } from './recurring/recurring-questions.module';
import { StalenessScanService } from './staleness-scan.service';
import { StalenessService } from './staleness.service';

export const STALENESS_SCAN_JOB = 'staleness-scan';
/** How often the scan runs: it picks up newly recorded releases, new feedback and new forum threads, so this is also the event latency. */
export const STALENESS_SCAN_EVERY_SECONDS = 60;

@Module({
  imports: [RecurringQuestionsModule, ArticlesModule, SearchModule],
  providers: [StalenessService, StalenessScanService],
  exports: [StalenessService, StalenessScanService],
})
export class StalenessModule implements OnModuleInit {
  constructor(
    private readonly jobs: JobRunner,
    private readonly scans: StalenessScanService,
  ) {}

  onModuleInit(): void {
    this.jobs.queue({
      name: STALENESS_SCAN_JOB,
      everySeconds: STALENESS_SCAN_EVERY_SECONDS,
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
