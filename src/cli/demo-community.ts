import { INestApplicationContext, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { sessionUser } from '../auth/auth-user';
import { BoardsService } from '../forum/boards.service';
import { BoardEntity } from '../forum/entities/board.entity';
import { ModerationPolicy } from '../forum/entities/forum-enums';
import { ParticipationService } from '../forum/participation.service';
import { PostingService } from '../forum/posting.service';
import { UserEntity } from '../users/entities/user.entity';

interface DemoThread {
  board: 'questions' | 'ideas';
  title: string;
  body: string;
  tags: string[];
  replies: string[];
  /** Index of the accepted reply. */
  accepted?: number;
}

const DEMO_THREADS: DemoThread[] = [
  {
    board: 'questions',
    title: 'How do I download all invoices of last year as PDF?',
    body: 'I need every invoice of **2025** for my accountant. Is there a bulk download?',
    tags: ['invoices', 'pdf'],
    replies: ['Open **Billing → Invoices**, filter by year and press *Download all*: you get one ZIP of PDFs.', 'Same question here, thanks!'],
    accepted: 0,
  },
  {
    board: 'questions',
    title: 'Two-factor codes are rejected after changing phones',
    body: 'My authenticator app moved to a new phone and now every code is "invalid".',
    tags: ['security', '2fa'],
    replies: ['Check that the phone’s clock is set automatically — codes depend on the time.'],
    accepted: 0,
  },
  {
    board: 'questions',
    title: 'Can I export my data before closing the account?',
    body: 'Before I leave I would like a copy of everything. Where is the export?',
    tags: ['account', 'export'],
    replies: [],
  },
  {
    board: 'ideas',
    title: 'Dark mode for the dashboard',
    body: 'Working late, the white dashboard is blinding. A dark theme would be great.',
    tags: ['ui'],
    replies: ['+1, and please follow the system setting.'],
  },
];

/**
 * A small demo community (two boards, a few threads with replies and accepted answers) through the real
 * services, only into an empty forum: running it again changes nothing.
 */
export async function seedCommunity(app: INestApplicationContext, staff: UserEntity, member: UserEntity): Promise<{ threads: number }> {
  const dataSource = app.get(DataSource);
  if ((await dataSource.getRepository(BoardEntity).count()) > 0) return { threads: 0 };
  const boards = app.get(BoardsService);
  const posting = app.get(PostingService);
  const participation = app.get(ParticipationService);
  // A basic member (trust level 1): the Ideas board holds only new members' posts.
  await dataSource.query('UPDATE users SET trust_level = GREATEST(trust_level, 1) WHERE id = $1', [member.id]);
  const asStaff = sessionUser(staff);
  const asMember = sessionUser({ ...member, trustLevel: Math.max(member.trustLevel, 1) });
  const boardIds = {
    questions: (await boards.create(asStaff, { name: 'Questions', description: 'Ask the community and the support team.', position: 1 })).id,
    ideas: (
      await boards.create(asStaff, { name: 'Ideas', description: 'Suggest what we should build next.', position: 2, moderationPolicy: ModerationPolicy.HoldNewMembers })
    ).id,
  };
  for (const thread of DEMO_THREADS) {
    const { threadId } = await posting.ask(asMember, { boardId: boardIds[thread.board], title: thread.title, bodyMarkdown: thread.body, tags: thread.tags });
    const replyIds: string[] = [];
    for (const body of thread.replies) replyIds.push((await posting.reply(asStaff, { threadId, bodyMarkdown: body })).postId);
    if (thread.accepted !== undefined) await participation.acceptAnswer(asMember, replyIds[thread.accepted]);
  }
  new Logger('DemoSeed').log(`Seeded the demo community: 2 boards, ${DEMO_THREADS.length} threads`);
  return { threads: DEMO_THREADS.length };
}
