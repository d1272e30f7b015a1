import { Module } from '@nestjs/common';
import { BoardsService } from './boards.service';
import { PostRenderer } from './content/post-renderer';
import { ForumReadingService } from './forum-reading.service';
import { ParticipationService } from './participation.service';
import { PostingService } from './posting.service';

@Module({
  providers: [PostRenderer, PostingService, ParticipationService, ForumReadingService, BoardsService],
  exports: [PostRenderer, PostingService, ParticipationService, ForumReadingService, BoardsService],
})
export class ForumModule {}
