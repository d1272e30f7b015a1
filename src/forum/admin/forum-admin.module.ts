import { Module } from '@nestjs/common';
import { ForumModule } from '../forum.module';
import { ForumAdminResolver } from './forum-admin.resolver';

@Module({ imports: [ForumModule], providers: [ForumAdminResolver] })
export class ForumAdminModule {}
