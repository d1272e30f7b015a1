import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { PublishingService } from './publishing.service';
import { runInBackground } from '../common/background-work';

/** Polls for due scheduled publishes; the first run at start catches up on any missed while down. */
@Injectable()
export class ScheduledPublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ScheduledPublisher.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly publishing: PublishingService,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const tickInBackground = (): void => void runInBackground('scheduled-publishing', () => this.tick());
    tickInBackground();
    this.timer = setInterval(tickInBackground, this.config.articles.scheduledPublishPollSeconds * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass; overlapping ticks are skipped. */
  tick(): Promise<void> {
    this.running ??= this.publishing
      .publishDue()
      .then(() => undefined)
      .catch((error: unknown) => this.logger.error({ err: error }, 'Scheduled publishing failed; retrying at the next tick'))
      .finally(() => (this.running = null));
    return this.running;
  }
}
