import * as argon2 from 'argon2';
import { createHash, timingSafeEqual } from 'node:crypto';
import { BadUserInputError } from '../common/errors/app-error';
import type { AppConfig } from '../config/app-config';
import { DEFAULT_DEMO_ADMIN_PASSWORD } from '../config/env.schema';

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

let dummyHash: Promise<string> | undefined;

/**
 * A signed-in caller confirmed a change (`changePassword`, `deleteMyAccount`) with a wrong password: BAD_USER_INPUT on
 * that field, reason WRONG_PASSWORD (decision 0033). Not UNAUTHENTICATED: the caller's session is valid and goes on,
 * and clients treat UNAUTHENTICATED as "sign in again". The caller counts it as a failed sign-in (login throttle).
 */
export function wrongPasswordError(field: string, message = 'The password is wrong'): BadUserInputError {
  const name = field.split('.').at(-1);
  return new BadUserInputError(message, [{ field, messages: [`${name} must be the account's current password`] }], { reason: 'WRONG_PASSWORD' });
}

/**
 * Verifies a password; for an unknown account (`hash` null) it verifies against a dummy hash,
 * so response time does not reveal which emails have accounts.
 */
export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  if (hash === null) {
    dummyHash ??= hashPassword('evergreen-dummy-password');
    await argon2.verify(await dummyHash, password);
    return false;
  }
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/**
 * Whether production refuses this password: with NODE_ENV=production, the published demo passwords (the documented
 * default and the configured DEMO_ADMIN_PASSWORD) sign nobody in and cannot be set (decision 0032). Compared as the
 * supplied string, before any hashing or database read: the refusal costs nothing and says nothing about an account.
 */
export function isRefusedDemoPassword(password: string, config: Pick<AppConfig, 'nodeEnv' | 'demo'>): boolean {
  if (config.nodeEnv !== 'production') return false;
  return [DEFAULT_DEMO_ADMIN_PASSWORD, config.demo.adminPassword].some((published) => sameText(password, published));
}

/** Constant-time equality of two strings (compared as SHA-256 digests, so lengths do not matter). */
function sameText(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}
