import { CliUsageError } from './cli-options';
import { parseCreateAdmin } from './create-admin';

const noStdin = async (): Promise<string> => {
  throw new Error('stdin must not be read without --password-stdin');
};

describe('create-admin options', () => {
  it('generates a password unless one is piped in', async () => {
    const options = await parseCreateAdmin(['--email', ' Boss@Example.test '], noStdin);
    expect(options).toMatchObject({ email: 'Boss@Example.test', displayName: 'Admin', generated: true });
    expect(options.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });

  it('takes the first line of stdin as the password with --password-stdin', async () => {
    const options = await parseCreateAdmin(['--email', 'boss@example.test', '--name', 'The Boss', '--password-stdin'], async () => 'a long piped password\nignored');
    expect(options).toMatchObject({ displayName: 'The Boss', password: 'a long piped password', generated: false });
  });

  it.each([
    [[], /--email is required/],
    [['--email'], /--email needs a value/],
    [['--email', 'not-an-email'], /email must be an email address/],
    [['--email', 'boss@example.test', '--role', 'admin'], /Unknown option --role/],
    [['--email', 'boss@example.test', '--password-stdin'], /password must be 10 to 200 characters long/],
  ])('refuses %j', async (args, message) => {
    await expect(parseCreateAdmin(args, async () => 'short\n')).rejects.toThrow(CliUsageError);
    await expect(parseCreateAdmin(args, async () => 'short\n')).rejects.toThrow(message);
  });
});
