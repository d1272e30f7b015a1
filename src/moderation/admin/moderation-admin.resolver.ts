import { Args, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { AuthUser } from '../../auth/auth-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { Roles } from '../../auth/roles.decorator';
import { FlagEntity } from '../../forum/entities/flag.entity';
import { UserEntity } from '../../users/entities/user.entity';
import { ModerationActionsService, ModerationStatusAction } from '../actions/moderation-actions.service';
import { AuditLogRow, AuditLogService } from '../audit/audit-log.service';
import { MODERATION_ROLES } from '../moderation-roles';
import { ModerationQueueService, QueueItemRow } from '../queue/moderation-queue.service';
import { TrustLevelsService } from '../trust/trust-levels.service';
import {
  AuditLogArgs,
  AuditLogCsvArgs,
  ContentActionInput,
  LiftRestrictionInput,
  MarkDuplicateInput,
  MergeThreadsInput,
  ModerationQueueArgs,
  MoveThreadInput,
  RejectContentInput,
  ResolveFlagInput,
  RestrictMemberInput,
  SetTrustLevelInput,
  StaffEditPostInput,
  ThreadActionInput,
  UpholdFlagInput,
} from './moderation.inputs';
import {
  AuditEntry,
  AuditEntryConnection,
  AuditLogCsv,
  ModeratedMember,
  ModerationActionResult,
  ModerationFlag,
  ModerationQueue,
  ModerationQueueCount,
  ModerationQueueItem,
  QueueItemKindEnum,
} from './moderation.models';

/** The moderation queue and the audit log (reads). */
@Resolver(() => ModerationQueue)
export class ModerationQueueResolver {
  constructor(
    private readonly queue: ModerationQueueService,
    private readonly audit: AuditLogService,
  ) {}

  @Roles(...MODERATION_ROLES)
  @Query(() => ModerationQueue, { description: 'Pending threads, pending replies and open flags, oldest first' })
  async moderationQueue(@Args() args: ModerationQueueArgs): Promise<ModerationQueue> {
    const page = await this.queue.page({ boardId: args.boardId, reason: args.reason, kinds: args.kinds }, args.first, args.after ?? null);
    return { edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: toQueueItem(edge.node) })), pageInfo: page.pageInfo, boardId: args.boardId ?? null };
  }

  @ResolveField(() => [ModerationQueueCount], { description: 'Items waiting per reason (for the board filter, not the reason filter), most first' })
  async counts(@Parent() queue: ModerationQueue): Promise<ModerationQueueCount[]> {
    return this.countsOf(queue);
  }

  @ResolveField(() => Int, { description: 'Items waiting (for the board filter)' })
  async totalCount(@Parent() queue: ModerationQueue): Promise<number> {
    return (await this.countsOf(queue)).reduce((sum, row) => sum + row.count, 0);
  }

  /** One count query per request, shared by `counts` and `totalCount`. */
  private countsOf(queue: ModerationQueue): Promise<ModerationQueueCount[]> {
    queue.countsPromise ??= this.queue.counts(queue.boardId);
    return queue.countsPromise;
  }

  @Roles(...MODERATION_ROLES)
  @Query(() => AuditEntryConnection, { description: 'The audit log, newest first' })
  async auditLog(@Args() args: AuditLogArgs): Promise<AuditEntryConnection> {
    const page = await this.audit.list(args.filter ?? {}, args.first, args.after ?? null);
    return { ...page, edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: toAuditEntry(edge.node) })) };
  }

  @Roles(...MODERATION_ROLES)
  @Query(() => AuditLogCsv, { description: 'The audit log as CSV, newest first' })
  async auditLogCsv(@Args() args: AuditLogCsvArgs): Promise<AuditLogCsv> {
    return this.audit.exportCsv(args.filter ?? {});
  }
}

/** Moderators' actions: one service call each. */
@Resolver()
export class ModerationActionsResolver {
  constructor(
    private readonly actions: ModerationActionsService,
    private readonly trustLevels: TrustLevelsService,
  ) {}

  @Roles(...MODERATION_ROLES)
  @Mutation(() => ModeratedMember, { description: "Sets a member's trust level; locked, the hourly recomputation leaves it alone" })
  async setMemberTrustLevel(@CurrentUser() user: AuthUser, @Args('input') input: SetTrustLevelInput): Promise<ModeratedMember> {
    return toMember(await this.trustLevels.setLevel({ userId: user.id }, input.userId, input.trustLevel, input.locked, input.reason ?? null));
  }

  @Roles(...MODERATION_ROLES)
  @Mutation(() => ModerationActionResult, { description: 'Publishes a pending thread or reply' })
  approveContent(@CurrentUser() user: AuthUser, @Args('input') input: ContentActionInput): Promise<ModerationActionResult> {
    return this.status(user, input, 'approve');
  }

  @Roles(...MODERATION_ROLES)
  @Mutation(() => ModerationActionResult, { description: 'Rejects a pending thread or reply, with a reason for its author' })
  rejectContent(@CurrentUser() user: AuthUser, @Args('input') input: RejectContentInput): Promise<ModerationActionResult> {
    return this.status(user, input, 'reject');
  }

  @Roles(...MODERATION_ROLES)
  @Mutation(() => ModerationActionResult, { description: 'Hides a visible thread or reply (restorable)' })
  hideContent(@CurrentUser() user: AuthUser, @Args('input') input: ContentActionInput): Promise<ModerationActionResult> {
    return this.status(user, input, 'hide');
  }

  @Roles(...MODERATION_ROLES)
  @Mutation(() => ModerationActionResult, { description: 'Makes a hidden or removed thread or reply visible again' })
  restoreContent(@CurrentUser() user: AuthUser, @Args('input') input: ContentActionInput): Promise<ModerationActionResult> {
    return this.status(user, input, 'restore');
  }

  @Roles(...MODERATION_ROLES)
  @Mutation(() => ModerationActionResult, { description: 'Removes a thread or reply' })
  removeContent(@CurrentUser() user: AuthUser, @Args('input') input: ContentActionInput): Promise<ModerationActionResult> {
    return this.status(user, input, 'remove');
  }

  @Roles(...MODERATION_ROLES)
  @Mutation(() => ModerationActionResult)
  lockThread(@CurrentUser() user: AuthUser, @Args('input') input: ThreadActionInput): Promise<ModerationActionResult> {
    return this.actions.setThreadState({ userId: user.id }, input.threadId, 'locked', true, input.reason ?? null);
  }

  @Roles(...MODERATION_ROLES)
  @Mutation(() => ModerationActionResult)
  unlockThread(@CurrentUser() user: AuthUser, @Args('input') input: ThreadActionInput): Promise<ModerationActionResult> {
    return this.actions.setThreadState({ userId: user.id }, input.threadId, 'locked', false, input.reason ?? null);
  }

  @Roles(...MODERATION_ROLES)
  @Mutation(() => ModerationActionResult)
  pinThread(@CurrentUser() user: AuthUser, @Args('input') input: ThreadActionInput): Promise<ModerationActionResult> {
    return this.actions.setThreadState({ userId: user.id }, input.threadId, 'pinned', true, input.reason ?? null);
  }

  @Roles(...MODERATION_ROLES)
  @Mutation(() => ModerationActionResult)
  unpinThread(@CurrentUser() user: AuthUser, @Args('input') input: ThreadActionInput): Promise<ModerationActionResult> {
    return this.actions.setThreadState({ userId: user.id }, input.threadId, 'pinned', false, input.reason ?? null);
  }

  @Roles(...MODERATION_ROLES)
  @Mutation(() => ModerationActionResult, { description: 'Moves a thread to another board' })
  moveThread(@CurrentUser() user: AuthUser, @Args('input') input: MoveThreadInput): Promise<ModerationActionResult> {
    return this.actions.moveThread({ userId: user.id }, input.threadId, input.boardId, input.reason ?? null);
  }

  @Roles(...MODERATION_ROLES)
  @Mutation(() => ModerationActionResult, { description: "Moves every post of the source thread into the target; the source's slug redirects to the target" })
  mergeThreads(@CurrentUser() user: AuthUser, @Args('input') input: MergeThreadsInput): Promise<ModerationActionResult> {
    return this.actions.mergeThreads({ userId: user.id }, input.sourceThreadId, input.targetThreadId, input.reason ?? null);
  }

  @Roles(...MODERATION_ROLES)
  @Mutation(() => ModerationActionResult, { description: 'Closes a thread as a duplicate of another (linked and locked)' })
  markThreadDuplicate(@CurrentUser() user: AuthUser, @Args('input') input: MarkDuplicateInput): Promise<ModerationActionResult> {
    return this.actions.markDuplicate({ userId: user.id }, input.threadId, input.duplicateOfThreadId, input.reason ?? null);
  }

  @Roles(...MODERATION_ROLES)
  @Mutation(() => ModerationFlag, { description: "Agrees with a flag (counts for the flagger's accuracy); may hide or remove the content too" })
  async upholdFlag(@CurrentUser() user: AuthUser, @Args('input') input: UpholdFlagInput): Promise<ModerationFlag> {
    return toFlag(await this.actions.resolveFlag({ userId: user.id }, input.flagId, 'uphold', input.reason ?? null, input.then ?? null));
  }

  @Roles(...MODERATION_ROLES)
  @Mutation(() => ModerationFlag, { description: "Disagrees with a flag (counts against the flagger's accuracy)" })
  async rejectFlag(@CurrentUser() user: AuthUser, @Args('input') input: ResolveFlagInput): Promise<ModerationFlag> {
    return toFlag(await this.actions.resolveFlag({ userId: user.id }, input.flagId, 'reject', input.reason ?? null));
  }

  @Roles(...MODERATION_ROLES)
  @Mutation(() => ModerationActionResult, { description: "Edits a post as staff: a new revision by the staff member, the author's text kept in the history" })
  editPostAsStaff(@CurrentUser() user: AuthUser, @Args('input') input: StaffEditPostInput): Promise<ModerationActionResult> {
    return this.actions.editPost({ userId: user.id }, input.postId, input.bodyMarkdown, input.reason, input.baseRevisionNumber ?? null);
  }

  @Roles(...MODERATION_ROLES)
  @Mutation(() => ModeratedMember, { description: 'The member can read but not post until then' })
  async silenceMember(@CurrentUser() user: AuthUser, @Args('input') input: RestrictMemberInput): Promise<ModeratedMember> {
    return toMember(await this.actions.restrictMember({ userId: user.id }, input.userId, 'silence', input.until, input.reason));
  }

  @Roles(...MODERATION_ROLES)
  @Mutation(() => ModeratedMember, {
    description: 'The member cannot sign in until then; every session and token of theirs stops working at once, and the sessions stay ended when the suspension is lifted or runs out',
  })
  async suspendMember(@CurrentUser() user: AuthUser, @Args('input') input: RestrictMemberInput): Promise<ModeratedMember> {
    return toMember(await this.actions.restrictMember({ userId: user.id }, input.userId, 'suspend', input.until, input.reason));
  }

  @Roles(...MODERATION_ROLES)
  @Mutation(() => ModeratedMember)
  async unsilenceMember(@CurrentUser() user: AuthUser, @Args('input') input: LiftRestrictionInput): Promise<ModeratedMember> {
    return toMember(await this.actions.liftRestriction({ userId: user.id }, input.userId, 'silence', input.reason ?? null));
  }

  @Roles(...MODERATION_ROLES)
  @Mutation(() => ModeratedMember)
  async unsuspendMember(@CurrentUser() user: AuthUser, @Args('input') input: LiftRestrictionInput): Promise<ModeratedMember> {
    return toMember(await this.actions.liftRestriction({ userId: user.id }, input.userId, 'suspend', input.reason ?? null));
  }

  private status(user: AuthUser, input: ContentActionInput, action: ModerationStatusAction): Promise<ModerationActionResult> {
    return this.actions.changeStatus({ userId: user.id }, { threadId: input.threadId, postId: input.postId }, action, input.reason ?? null);
  }
}

function toQueueItem(row: QueueItemRow): ModerationQueueItem {
  const upheld = row.flag?.flaggerUpheld ?? 0;
  const rejected = row.flag?.flaggerRejected ?? 0;
  return {
    kind: row.kind as QueueItemKindEnum,
    id: row.id,
    createdAt: row.createdAt,
    reason: row.reason,
    boardId: row.boardId,
    boardName: row.boardName,
    threadId: row.threadId,
    threadTitle: row.threadTitle,
    postId: row.postId,
    excerpt: row.excerpt,
    author: row.authorId ? { id: row.authorId, displayName: row.authorName ?? '', trustLevel: row.authorTrustLevel } : null,
    flag: row.flag
      ? {
          kind: row.flag.kind as ModerationFlag['kind'],
          note: row.flag.note,
          duplicateOfThreadId: row.flag.duplicateOfThreadId,
          flagger: row.flag.flaggerId ? { id: row.flag.flaggerId, displayName: row.flag.flaggerName ?? '', trustLevel: null } : null,
          flaggerAccuracy: { upheld, rejected, accuracy: upheld + rejected === 0 ? null : upheld / (upheld + rejected) },
        }
      : null,
  };
}

function toAuditEntry(row: AuditLogRow): AuditEntry {
  return {
    id: row.id,
    occurredAt: row.occurredAt,
    actor: row.actorId ? { id: row.actorId, displayName: row.actorName ?? '(deleted user)', trustLevel: null } : null,
    actorRule: row.actorRule,
    action: row.action,
    targetKind: row.subjectKind,
    targetId: row.subjectId,
    reason: row.reason,
    beforeJson: row.before === null ? null : JSON.stringify(row.before),
    afterJson: row.after === null ? null : JSON.stringify(row.after),
  };
}

function toFlag(flag: FlagEntity): ModerationFlag {
  return { id: flag.id, kind: flag.kind, status: flag.status, threadId: flag.threadId, postId: flag.postId, flaggerId: flag.flaggerId, resolvedAt: flag.resolvedAt };
}

export function toMember(user: UserEntity): ModeratedMember {
  return {
    id: user.id,
    displayName: user.displayName,
    trustLevel: user.trustLevel,
    trustLevelLocked: user.trustLevelLocked,
    silencedUntil: user.silencedUntil,
    suspendedUntil: user.suspendedUntil,
  };
}
