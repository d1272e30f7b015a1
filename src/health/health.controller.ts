import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { JobsHealthIndicator } from '../jobs/jobs-health.indicator';
import { SearchHealthIndicator } from '../search/search-health.indicator';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly search: SearchHealthIndicator,
    private readonly jobs: JobsHealthIndicator,
  ) {}

  /** 200 with every component up, 503 naming the component that is down. */
  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([() => this.database.pingCheck('database', { timeout: 2000 }), () => this.search.check('search'), () => this.jobs.check('jobs')]);
  }
}
