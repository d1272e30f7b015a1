import { createTestApp, TestApp } from './support/create-test-app';

const SIGN_UP = 'mutation ($input: SignUpInput!) { signUp(input: $input) { accessToken } }';
const LIMIT = 3;

/**
 * Which address the per-address limits count: with TRUST_PROXY listing the proxies (here the test's own loopback
 * connection plays the proxy), the client is what the nearest proxy saw, the rightmost X-Forwarded-For entry it
 * appended; entries a client wrote itself before it change nothing. Without TRUST_PROXY the header is ignored.
 */
describe('the client address behind a proxy', () => {
  let behindProxy: TestApp;
  let direct: TestApp;
  let n = 0;

  beforeAll(async () => {
    behindProxy = await createTestApp({ TRUST_PROXY: 'loopback', SIGNUP_MAX_PER_IP: String(LIMIT) });
    direct = await createTestApp({ SIGNUP_MAX_PER_IP: String(LIMIT) });
  });
  afterAll(() => Promise.all([behindProxy.close(), direct.close()]));

  async function signUp(t: TestApp, forwardedFor: string): Promise<string> {
    n += 1;
    const res = await t
      .http()
      .post('/graphql')
      .set('x-forwarded-for', forwardedFor)
      .send({ query: SIGN_UP, variables: { input: { email: `address-${n}@example.test`, password: 'a long enough password', displayName: 'Member' } } });
    return res.body.data?.signUp ? 'OK' : res.body.errors[0].extensions.code;
  }

  it('counts the address the proxy saw, whatever the client wrote before it', async () => {
    const forged = await Promise.all(Array.from({ length: 2 * LIMIT }, (_, i) => signUp(behindProxy, `10.9.8.${i}, 203.0.113.77`)));
    expect(forged.filter((code) => code === 'OK')).toHaveLength(LIMIT);
    expect(forged.filter((code) => code === 'RATE_LIMITED')).toHaveLength(LIMIT);
    expect(await signUp(behindProxy, '203.0.113.78')).toBe('OK');
  });

  it('ignores X-Forwarded-For without TRUST_PROXY: every request counts against the peer', async () => {
    const codes = await Promise.all(Array.from({ length: 2 * LIMIT }, (_, i) => signUp(direct, `198.18.0.${i}`)));
    expect(codes.filter((code) => code === 'OK')).toHaveLength(LIMIT);
    expect(codes.filter((code) => code === 'RATE_LIMITED')).toHaveLength(LIMIT);
  });
});
