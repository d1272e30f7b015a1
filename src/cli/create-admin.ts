import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { IsAccountEmail, IsDisplayName, IsNewPassword } from '../common/validation/user-fields';
import { Role } from '../users/role.enum';
import { UsersService } from '../users/users.service';
import { CliUsageError, parseOptions, passwordOption } from './cli-options';

export class CreateAdminOptions {
  @IsAccountEmail() email!: string;
  @IsDisplayName() displayName!: string;
  @IsNewPassword() password!: string;
}

export interface CreatedAdmin {
  id: string;
  email: string;
  password: string;
  generated: boolean;
}

/**
 * Parses `create-admin --email <email> [--name <display name>] [--password-stdin]`.
 * Without --password-stdin the password is generated; `readStdin` is only called with it.
 */
export async function parseCreateAdmin(args: string[], readStdin: () => Promise<string>): Promise<CreateAdminOptions & { generated: boolean }> {
  const flags = parseOptions(args, ['--email', '--name'], ['--password-stdin']);
  const email = flags.get('--email');
  if (typeof email !== 'string') throw new CliUsageError('--email is required');
  const { password, generated } = await passwordOption(flags, readStdin);
  const name = flags.get('--name');
  const options = plainToInstance(CreateAdminOptions, { email, displayName: typeof name === 'string' ? name : 'Admin', password });
  const problems = validateSync(options).flatMap((error) => Object.values(error.constraints ?? {}));
  if (problems.length > 0) throw new CliUsageError(problems.join('; '));
  return { ...options, generated };
}

/** Creates an admin account (CONFLICT when the email is taken); the way to get the first admin of a production install. */
export async function createAdmin(users: UsersService, options: CreateAdminOptions & { generated: boolean }): Promise<CreatedAdmin> {
  const user = await users.create({ email: options.email, displayName: options.displayName, password: options.password, role: Role.Admin }, 'password');
  return { id: user.id, email: user.email, password: options.password, generated: options.generated };
}
