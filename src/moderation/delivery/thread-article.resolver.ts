import { Field, ObjectType, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Public } from '../../auth/roles.decorator';
import { Thread } from '../../forum/delivery/forum.model';
import { KnowledgeCaptureService } from '../capture/knowledge-capture.service';

@ObjectType({ description: 'A published help article that grew out of this thread' })
export class ThreadArticleLink {
  @Field() slug!: string;
  @Field() locale!: string;
  @Field() title!: string;
  @Field() url!: string;
}

/** Knowledge capture on the thread page: the article once it is published (and public). */
@Resolver(() => Thread)
export class ThreadArticleResolver {
  constructor(private readonly capture: KnowledgeCaptureService) {}

  @Public()
  @ResolveField(() => ThreadArticleLink, { nullable: true, description: 'The published article this thread was turned into, if any' })
  async article(@Parent() thread: Thread): Promise<ThreadArticleLink | null> {
    return this.capture.publishedArticleFor(thread.id);
  }
}
