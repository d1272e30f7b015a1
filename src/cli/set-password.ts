import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { IsAccountEmail, IsNewPassword } from '../common/validation/user-fields';
import { UsersService } from '../users/users.service';
import { CliUsageError, parseOptions, passwordOption } from './cli-options';

export class SetPasswordOptions {
  @IsAccountEmail() email!: string;
  @IsNewPassword() password!: string;
}

export interface PasswordSet {
  id: string;
  email: string;
  password: string;
  generated: boolean;
}

/**
 * Parses `set-password --email <email> [--password-stdin]`: without --password-stdin the password is generated;
 * `readStdin` is only called with it.
 */
export async function parseSetPassword(args: string[], readStdin: () => Promise<string>): Promise<SetPasswordOptions & { generated: boolean }> {
  const flags = parseOptions(args, ['--email'], ['--password-stdin']);
  const email = flags.get('--email');
  if (typeof email !== 'string') throw new CliUsageError('--email is required');
  const { password, generated } = await passwordOption(flags, readStdin);
  const options = plainToInstance(SetPasswordOptions, { email, password });
  const problems = validateSync(options).flatMap((error) => Object.values(error.constraints ?? {}));
  if (problems.length > 0) throw new CliUsageError(problems.join('; '));
  return { ...options, generated };
}

/**
 * An operator sets a user's password (a forgotten one, a demo account left in a production database): every session
 * of the user ends (NOT_FOUND for an unknown email).
 */
export async function setPassword(users: UsersService, options: SetPasswordOptions & { generated: boolean }): Promise<PasswordSet> {
  const user = await users.setPassword(options.email, options.password);
  return { id: user.id, email: user.email, password: options.password, generated: options.generated };
}
