import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { AuthUser } from '../../auth/auth-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { Roles } from '../../auth/roles.decorator';
import { Role, STAFF_ROLES } from '../../users/role.enum';
import { BoardsService } from '../boards.service';
import { ForumReadingService } from '../forum-reading.service';
import { AdminBoard, AdminPostRevision } from './forum-admin.model';
import { CreateBoardInput, PostRevisionsArgs, UpdateBoardInput } from './forum-admin.inputs';

/** Who sets up the forum's boards. */
const BOARD_MANAGERS = [Role.Admin, Role.Moderator];

@Resolver(() => AdminBoard)
export class ForumAdminResolver {
  constructor(
    private readonly boardsService: BoardsService,
    private readonly reading: ForumReadingService,
  ) {}

  @Roles(...STAFF_ROLES)
  @Query(() => [AdminPostRevision], { description: 'Every version of a forum post, oldest first (whatever its status)' })
  async forumPostRevisions(@Args() args: PostRevisionsArgs): Promise<AdminPostRevision[]> {
    return this.reading.revisions(args.postId);
  }

  @Roles(...STAFF_ROLES)
  @Query(() => [AdminBoard], { description: 'Every forum board, by position' })
  async boards(): Promise<AdminBoard[]> {
    return this.boardsService.list();
  }

  @Roles(...BOARD_MANAGERS)
  @Mutation(() => AdminBoard)
  async createBoard(@CurrentUser() actor: AuthUser, @Args('input') input: CreateBoardInput): Promise<AdminBoard> {
    return this.boardsService.create(actor, input);
  }

  @Roles(...BOARD_MANAGERS)
  @Mutation(() => AdminBoard)
  async updateBoard(@CurrentUser() actor: AuthUser, @Args('input') input: UpdateBoardInput): Promise<AdminBoard> {
    return this.boardsService.update(actor, input.boardId, input);
  }
}
