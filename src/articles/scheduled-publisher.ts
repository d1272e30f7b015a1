import { Injectable, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { JobRunner } from '../jobs/job-runner';
import { PublishingService } from './publishing.service';

export const SCHEDULED_PUBLISHING_JOB = 'scheduled-publishing';

/**
 * Publishes due schedules as a queued job: one instance at a time across the cluster, retried with backoff
 * when it fails; the run offered at start catches up on any missed while no server ran.
 */
@Injectable()
export class ScheduledPublisher implements OnModuleInit {
  constructor(
    private readonly publishing: PublishingService,
    private readonly config: AppConfig,
    private readonly jobs: JobRunner,
  ) {}

  onModuleInit(): void {
    this.jobs.queue({
      name: SCHEDULED_PUBLISHING_JOB,
      everySeconds: this.config.articles.scheduledPublishPollSeconds,
      run: async () => {
        await this.publishing.publishDue();
      },
    });
  }
}
