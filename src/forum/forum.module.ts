import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { BoardsService } from './boards.service';
import { PostRenderer } from './content/post-renderer';
import { ForumReadingService } from './forum-reading.service';
import { ForumNotifications } from './notifications/forum-notifications.service';
import { ParticipationService } from './participation.service';
import { PostingService } from './posting.service';

@Module({
  imports: [NotificationsModule],
  providers: [ForumNotifications, PostRenderer, PostingService, ParticipationService, ForumReadingService, BoardsService],
  exports: [ForumNotifications, PostRenderer, PostingService, ParticipationService, ForumReadingService, BoardsService],
})
export class ForumModule {}
