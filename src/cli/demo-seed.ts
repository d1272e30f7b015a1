import { INestApplicationContext, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { DEFAULT_DEMO_ADMIN_EMAIL, DEFAULT_DEMO_ADMIN_PASSWORD } from '../config/env.schema';
import { verifyPassword } from '../users/passwords';
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

/**
 * At a production start: the demo accounts an earlier development start seeded into this database (found by their
 * published emails) that are active and still have a published demo password. Sign-in already refuses that password
 * in production; one warning names the accounts and the command that fixes them, and stops once they are fixed (a new
 * password, or deactivated). Costs one lookup per demo email, and argon2 checks only for accounts that exist.
 */
export async function warnOfDemoAccounts(app: INestApplicationContext, config: AppConfig, logger = new Logger('DemoAccounts')): Promise<string[]> {
  if (config.nodeEnv !== 'production') return [];
  const users = app.get(UsersService);
  const emails = [...new Set([config.demo.adminEmail, DEFAULT_DEMO_ADMIN_EMAIL, DEMO_EDITOR_EMAIL, DEMO_MEMBER_EMAIL])];
  const passwords = [...new Set([DEFAULT_DEMO_ADMIN_PASSWORD, config.demo.adminPassword])];
  const found: string[] = [];
  for (const email of emails) {
    const user = await users.findByEmail(email);
    if (!user || user.deactivatedAt) continue;
    for (const password of passwords) {
      if (await verifyPassword(user.passwordHash, password)) {
        found.push(user.email);
        break;
      }
    }
  }
  if (found.length > 0) {
    logger.warn(
      `Demo accounts with the published demo password are in this database (seeded by an earlier development start): ${found.join(', ')}. ` +
        'Production refuses that password at sign-in; set a new one with `npm run cli -- set-password --email <email>` (or deactivate the account).',
    );
  }
  return found;
}
