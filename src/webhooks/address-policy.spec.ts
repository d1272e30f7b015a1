import { endpointUrlProblem, isAllowedTarget, isInternalAddress } from './address-policy';

describe('webhook address policy', () => {
  const blocking = { blockPrivate: true, allowed: [] };

  it.each(['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:7f00:1'])(
    '%s is internal',
    (address) => expect(isInternalAddress(address)).toBe(true),
  );

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700::1111'])('%s is public', (address) => expect(isInternalAddress(address)).toBe(false));

  it.each([
    ['ftp://example.com/hook', 'http'],
    ['not a url', 'absolute'],
    ['https://user:secret@example.com/hook', 'credentials'],
    ['http://localhost:3000/hook', 'localhost'],
    ['http://127.0.0.1:3000/hook', 'internal'],
    ['http://[::1]/hook', 'internal'],
    ['http://169.254.169.254/latest/meta-data', 'internal'],
  ])('refuses %s under a blocking policy', (url, problem) => {
    expect(endpointUrlProblem(url, blocking)).toContain(problem);
  });

  it('accepts public URLs, and internal ones when not blocking or when allowed', () => {
    expect(endpointUrlProblem('https://hooks.example.com/evergreen?x=1', blocking)).toBeNull();
    expect(endpointUrlProblem('http://127.0.0.1:3000/hook', { blockPrivate: false, allowed: [] })).toBeNull();
    expect(endpointUrlProblem('http://10.0.0.7/hook', { blockPrivate: true, allowed: ['10.0.0.0/8'] })).toBeNull();
    expect(endpointUrlProblem('http://localhost/hook', { blockPrivate: true, allowed: ['localhost'] })).toBeNull();
    expect(endpointUrlProblem('https://user@example.com/', { blockPrivate: false, allowed: [] })).toContain('credentials');
  });

  it('checks resolved addresses against the allow-list by host and by address', () => {
    expect(isAllowedTarget(blocking, 'hooks.internal', '10.0.0.5')).toBe(false);
    expect(isAllowedTarget({ blockPrivate: true, allowed: ['hooks.internal'] }, 'hooks.internal', '10.0.0.5')).toBe(true);
    expect(isAllowedTarget({ blockPrivate: true, allowed: ['10.0.0.5'] }, 'hooks.internal', '10.0.0.5')).toBe(true);
    expect(isAllowedTarget(blocking, 'example.com', '93.184.216.34')).toBe(true);
  });
});
