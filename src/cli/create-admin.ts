import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { randomBytes } from 'node:crypto';
import { IsAccountEmail, IsDisplayName, IsNewPassword } from '../common/validation/user-fields';
import { Role } from '../users/role.enum';
import { UsersService } from '../users/users.service';

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

export class CreateAdminUsageError extends Error {}

/** A password for a new admin when none is given: 144 random bits, shown once by the command. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * Parses `create-admin --email <email> [--name <display name>] [--password-stdin]`.
 * Without --password-stdin the password is generated; `readStdin` is only called with it.
 */
export async function parseCreateAdmin(args: string[], readStdin: () => Promise<string>): Promise<CreateAdminOptions & { generated: boolean }> {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--password-stdin') flags.set(arg, true);
    else if (arg === '--email' || arg === '--name') {
      const value = args[++i];
      if (value === undefined) throw new CreateAdminUsageError(`${arg} needs a value`);
      flags.set(arg, value);
    } else throw new CreateAdminUsageError(`Unknown option ${arg}`);
  }
  const email = flags.get('--email');
  if (typeof email !== 'string') throw new CreateAdminUsageError('--email is required');
  const generated = !flags.has('--password-stdin');
  const password = generated ? generatePassword() : (await readStdin()).split(/\r?\n/)[0];
  const name = flags.get('--name');
  const options = plainToInstance(CreateAdminOptions, { email, displayName: typeof name === 'string' ? name : 'Admin', password });
  const problems = validateSync(options).flatMap((error) => Object.values(error.constraints ?? {}));
  if (problems.length > 0) throw new CreateAdminUsageError(problems.join('; '));
  return { ...options, generated };
}

/** Creates an admin account (CONFLICT when the email is taken); the way to get the first admin of a production install. */
export async function createAdmin(users: UsersService, options: CreateAdminOptions & { generated: boolean }): Promise<CreatedAdmin> {
  const user = await users.create({ email: options.email, displayName: options.displayName, password: options.password, role: Role.Admin });
  return { id: user.id, email: user.email, password: options.password, generated: options.generated };
}
