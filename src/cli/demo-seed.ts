import { INestApplicationContext } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { UserEntity } from '../users/entities/user.entity';
import { Role } from '../users/role.enum';
import { UsersService } from '../users/users.service';
import { seedCommunity } from './demo-community';
import { seedHelpCenter } from './demo-help-center';

export interface DemoSeedResult {
  createdAdmin: boolean;
  editorEmail: string;
  helpCenterArticles: number;
  communityThreads: number;
}

export const DEMO_EDITOR_EMAIL = 'editor@evergreen.test';
export const DEMO_MEMBER_EMAIL = 'member@evergreen.test';

/**
 * Seeds the demo on start when configured. Never in production: the demo accounts share a
 * documented password (configuration already refuses SEED_DEMO=true there; this is the last guard).
 */
export async function seedDemoOnStart(app: INestApplicationContext, config: AppConfig): Promise<DemoSeedResult | null> {
  if (!config.demo.seed) return null;
  if (config.nodeEnv === 'production') throw new Error('The demo data is never seeded in production (NODE_ENV=production): unset SEED_DEMO');
  return seedDemo(app, config);
}

/** The demo admin, editor and member, the demo help center and community; each only when missing, so every start may run it. */
export async function seedDemo(app: INestApplicationContext, config: AppConfig): Promise<DemoSeedResult> {
  const users = app.get(UsersService);
  const ensure = async (email: string, displayName: string, role: Role): Promise<{ user: UserEntity; created: boolean }> => {
    const existing = await users.findByEmail(email);
    if (existing) return { user: existing, created: false };
    return { user: await users.create({ email, displayName, password: config.demo.adminPassword, role }), created: true };
  };
  const admin = await ensure(config.demo.adminEmail, 'Demo Admin', Role.Admin);
  const editor = await ensure(DEMO_EDITOR_EMAIL, 'Demo Editor', Role.Editor);
  const member = await ensure(DEMO_MEMBER_EMAIL, 'Demo Member', Role.Member);
  const helpCenter = await seedHelpCenter(app, editor.user, admin.user);
  const community = await seedCommunity(app, admin.user, member.user);
  return { createdAdmin: admin.created, editorEmail: DEMO_EDITOR_EMAIL, helpCenterArticles: helpCenter.articles, communityThreads: community.threads };
}
