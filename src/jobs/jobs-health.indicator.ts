import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { JobRunner } from './job-runner';

/** The job queue answers; each job's runs, failures, last run and backlog (failing jobs are reported, not "down"). */
@Injectable()
export class JobsHealthIndicator {
  constructor(
    private readonly runner: JobRunner,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(key: string): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    const report = await this.runner.report();
    const details = {
      queue: report.queueReachable ? 'reachable' : 'unreachable',
      ...(report.queueError ? { queueError: report.queueError } : {}),
      jobs: Object.fromEntries(report.jobs.map(({ name, ...state }) => [name, state])),
    };
    return report.queueReachable ? indicator.up(details) : indicator.down(details);
  }
}
