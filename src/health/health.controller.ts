import { Controller, Get, Headers, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorResult, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { bearerTokenMatcher } from '../common/http/bearer-token';
import { AppConfig } from '../config/app-config';
import { JobsHealthIndicator } from '../jobs/jobs-health.indicator';
import { SearchHealthIndicator } from '../search/search-health.indicator';

@Controller('health')
export class HealthController {
  private readonly operator: ((authorization: string | undefined) => boolean) | null;

  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly search: SearchHealthIndicator,
    private readonly jobs: JobsHealthIndicator,
    private readonly config: AppConfig,
  ) {
    this.operator = bearerTokenMatcher(config.metrics.token);
  }

  /**
   * 200 with every component up, 503 naming the component that is down. In production, anonymous callers (load
   * balancers) get each component's status only; the details (outbox backlog, each job's runs and last error) go
   * to callers with `Authorization: Bearer <METRICS_TOKEN>`, and everywhere outside production.
   */
  @Get()
  @HealthCheck()
  async check(@Headers('authorization') authorization?: string): Promise<HealthCheckResult> {
    const detailed = this.config.nodeEnv !== 'production' || (this.operator?.(authorization) ?? false);
    try {
      const result = await this.health.check([() => this.database.pingCheck('database', { timeout: 2000 }), () => this.search.check('search'), () => this.jobs.check('jobs')]);
      return detailed ? result : statusesOnly(result);
    } catch (error) {
      if (detailed || !(error instanceof ServiceUnavailableException)) throw error;
      throw new ServiceUnavailableException(statusesOnly(error.getResponse() as HealthCheckResult));
    }
  }
}

function statusesOnly(result: HealthCheckResult): HealthCheckResult {
  const strip = (components: Partial<HealthIndicatorResult> | undefined): HealthIndicatorResult =>
    Object.fromEntries(Object.entries(components ?? {}).flatMap(([name, component]) => (component ? [[name, { status: component.status }]] : [])));
  return { status: result.status, info: strip(result.info), error: strip(result.error), details: strip(result.details) };
}
