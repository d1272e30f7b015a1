import { Module, OnModuleInit } from '@nestjs/common';
import { ArticlesModule } from '../articles/articles.module';
import { ConflictError } from '../common/errors/app-error';
import { AppConfig } from '../config/app-config';
import { JobRunner } from '../jobs/job-runner';
import { SearchModule } from '../search/search.module';
import { RecurringQuestionsModule } from './recurring/recurring-questions.module';
import { StalenessScanService } from './staleness-scan.service';
import { StalenessService } from './staleness.service';

export const STALENESS_SCAN_JOB = 'staleness-scan';

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
  ) {}

  onModuleInit(): void {
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
