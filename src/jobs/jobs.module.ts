import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { JobRunner } from './job-runner';
import { JobsHealthIndicator } from './jobs-health.indicator';

/** The job runner, for every module that has background work (global: modules register in onModuleInit). */
@Global()
@Module({
  imports: [TerminusModule],
  providers: [JobRunner, JobsHealthIndicator],
  exports: [JobRunner, JobsHealthIndicator],
})
export class JobsModule {}
