import { randomBytes } from 'node:crypto';

/** A command line the command cannot take (unknown option, missing value, invalid value): exit code 2, with the usage. */
export class CliUsageError extends Error {}

export type CliOptions = Map<string, string | true>;

/** `--name value` options and `--switch` switches; anything else is a usage error. */
export function parseOptions(args: string[], valued: readonly string[], switches: readonly string[]): CliOptions {
  const options: CliOptions = new Map();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (switches.includes(arg)) options.set(arg, true);
    else if (valued.includes(arg)) {
      const value = args[++i];
      if (value === undefined) throw new CliUsageError(`${arg} needs a value`);
      options.set(arg, value);
    } else throw new CliUsageError(`Unknown option ${arg}`);
  }
  return options;
}

/** A password when none is given: 144 random bits, shown once by the command. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * The password of `--password-stdin` (the first line piped in), or a generated one; `readStdin` is only called with
 * the switch, so nothing waits on a terminal.
 */
export async function passwordOption(options: CliOptions, readStdin: () => Promise<string>): Promise<{ password: string; generated: boolean }> {
  if (!options.has('--password-stdin')) return { password: generatePassword(), generated: true };
  return { password: (await readStdin()).split(/\r?\n/)[0], generated: false };
}
