import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { AuthUser } from '../../auth/auth-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { Roles } from '../../auth/roles.decorator';
import { EDITORIAL_ROLES, STAFF_ROLES } from '../../users/role.enum';
import { ContentGapEntity } from '../entities/content-gap.entity';
import { StaleFlagEntity } from '../entities/stale-flag.entity';
import { reasonOf } from '../freshness';
import { StalenessScanService } from '../staleness-scan.service';
import { StalenessService } from '../staleness.service';
import { toStaleFlagEvidence } from './to-stale-flag-evidence';
import {
  StaleFlagIdArgs,
  ContentGap,
  ContentGapsArgs,
  CreateArticleFromContentGapInput,
  DismissContentGapInput,
  DismissStaleFlagInput,
  FreshnessQueue,
  FreshnessQueueArgs,
  ReleaseScanResult,
  ResolveStaleFlagInput,
  ScanReleaseInput,
  StaleFlag,
  StaleFlagInput,
  StalenessScanResult,
} from './staleness-admin.models';

export function toStaleFlag(flag: StaleFlagEntity): StaleFlag {
  const e = flag.evidence;
  const evidence = toStaleFlagEvidence(flag.signal, e);
  return {
    id: flag.id,
    articleId: flag.articleId,
    locale: flag.locale,
    signal: flag.signal,
    severity: flag.severity,
    status: flag.status,
    score: flag.score,
    reason: reasonOf({ signal: flag.signal, severity: flag.severity, raisedAt: flag.raisedAt, evidence: e }),
    evidenceJson: JSON.stringify(e),
    evidence,
    productChange: evidence?.kind === 'product_change' ? evidence : null,
    raisedAt: flag.raisedAt,
    updatedAt: flag.updatedAt,
    acknowledgedAt: flag.acknowledgedAt,
    acknowledgedBy: flag.acknowledgedBy,
    closedAt: flag.closedAt,
    closedBy: flag.closedBy,
    closeReason: flag.closeReason,
  };
}

function toContentGap(gap: ContentGapEntity): ContentGap {
  return { ...gap, evidenceJson: JSON.stringify(gap.evidence) };
}

@Resolver()
export class StalenessAdminResolver {
  constructor(
    private readonly staleness: StalenessService,
    private readonly scans: StalenessScanService,
  ) {}

  @Roles(...STAFF_ROLES)
  @Query(() => FreshnessQueue, { description: 'Open stale flags grouped per article locale, highest priority first, with counts per signal' })
  async freshnessQueue(@Args() args: FreshnessQueueArgs): Promise<FreshnessQueue> {
    const queue = await this.staleness.freshnessQueue(args.filter ?? {}, args.first, args.offset);
    return { ...queue, items: queue.items.map((item) => ({ ...item, flags: item.flags.map(toStaleFlag) })) };
  }

  @Roles(...STAFF_ROLES)
  @Query(() => StaleFlag)
  async staleFlag(@Args() { id }: StaleFlagIdArgs): Promise<StaleFlag> {
    return toStaleFlag(await this.staleness.getFlag(id));
  }

  @Roles(...STAFF_ROLES)
  @Query(() => [ContentGap], { description: 'Missing articles suggested by search gaps and recurring questions, heaviest first' })
  async contentGaps(@Args() args: ContentGapsArgs): Promise<ContentGap[]> {
    return (await this.staleness.listContentGaps(args, args.first)).map(toContentGap);
  }

  @Roles(...EDITORIAL_ROLES)
  @Mutation(() => StaleFlag, { description: 'Acknowledging twice is a no-op; a closed flag is CONFLICT (FLAG_CLOSED)' })
  async acknowledgeStaleFlag(@CurrentUser() editor: AuthUser, @Args('input') input: StaleFlagInput): Promise<StaleFlag> {
    return toStaleFlag(await this.staleness.acknowledge(editor.id, input.flagId));
  }

  @Roles(...EDITORIAL_ROLES)
  @Mutation(() => StaleFlag, { description: 'Closes the flag; the same evidence will not raise it again. A closed flag is CONFLICT (FLAG_CLOSED)' })
  async dismissStaleFlag(@CurrentUser() editor: AuthUser, @Args('input') input: DismissStaleFlagInput): Promise<StaleFlag> {
    return toStaleFlag(await this.staleness.dismiss(editor.id, input.flagId, input.reason));
  }

  @Roles(...EDITORIAL_ROLES)
  @Mutation(() => StaleFlag, { description: 'A closed flag (resolved twice, or dismissed) is CONFLICT (FLAG_CLOSED)' })
  async resolveStaleFlag(@CurrentUser() editor: AuthUser, @Args('input') input: ResolveStaleFlagInput): Promise<StaleFlag> {
    return toStaleFlag(await this.staleness.resolve(editor.id, input.flagId, input.note));
  }

  @Roles(...EDITORIAL_ROLES)
  @Mutation(() => StalenessScanResult, { description: 'Runs every detector now; CONFLICT (SCAN_RUNNING) while another scan runs' })
  async runStalenessScan(): Promise<StalenessScanResult> {
    const summary = await this.scans.scanAll();
    return { releasesScanned: summary.releases, flagsRaised: summary.flagsRaised, contentGapsCreated: summary.gapsCreated };
  }

  @Roles(...EDITORIAL_ROLES)
  @Mutation(() => ReleaseScanResult, { description: 'Scans one release for stale articles now; scanning it again raises nothing new' })
  async scanRelease(@Args('input') input: ScanReleaseInput): Promise<ReleaseScanResult> {
    const result = await this.scans.singleFlight(() => this.scans.scanRelease(input.releaseId));
    return { releaseId: result.releaseId, articlesScanned: result.articlesScanned, flagsRaised: result.flagsRaised };
  }

  @Roles(...EDITORIAL_ROLES)
  @Mutation(() => ContentGap, {
    description: 'Creates a draft article from an open content gap and marks the gap drafted (articleId); a gap no longer open is CONFLICT (GAP_CLOSED)',
  })
  async createArticleFromContentGap(@CurrentUser() editor: AuthUser, @Args('input') input: CreateArticleFromContentGapInput): Promise<ContentGap> {
    const { gap } = await this.staleness.createArticleFromGap(editor, input.gapId, input.categoryId);
    return toContentGap(gap);
  }

  @Roles(...EDITORIAL_ROLES)
  @Mutation(() => ContentGap, {
    description: 'Dismisses an open content gap with a reason; the same search or question group does not raise it again. A gap no longer open is CONFLICT (GAP_CLOSED)',
  })
  async dismissContentGap(@CurrentUser() editor: AuthUser, @Args('input') input: DismissContentGapInput): Promise<ContentGap> {
    return toContentGap(await this.staleness.dismissGap(editor.id, input.gapId, input.reason));
  }
}
