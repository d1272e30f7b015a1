import { clientNetwork } from './client-network';

describe('clientNetwork', () => {
  it.each([
    ['203.0.113.5', '203.0.113.5'],
    ['::ffff:203.0.113.5', '203.0.113.5'],
    ['::FFFF:cb00:7105', '203.0.113.5'],
    ['[::ffff:203.0.113.5]', '203.0.113.5'],
    ['2001:db8:5:7::1', '2001:db8:5:7::/64'],
    ['2001:0DB8:0005:0007:ffff:1:2:3', '2001:db8:5:7::/64'],
    ['2001:db8:5:7:a::b', '2001:db8:5:7::/64'],
    ['2001:db8::', '2001:db8:0:0::/64'],
    ['2001:db8:5:8::1', '2001:db8:5:8::/64'],
    ['::1', '0:0:0:0::/64'],
    ['::', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::203.0.113.5', '64:ff9b:0:0::/64'],
    ['::203.0.113.5', '0:0:0:0::/64'],
    ['not an address', 'not an address'],
    ['', ''],
  ])('%s counts as %s', (address, expected) => {
    expect(clientNetwork(address)).toBe(expected);
  });

  it('puts every address of one /64 together and tells /64s apart', () => {
    const rotated = Array.from({ length: 50 }, (_, i) => clientNetwork(`2001:db8:5:7:${i.toString(16)}:${(i * 7).toString(16)}::${i}`));
    expect(new Set(rotated)).toEqual(new Set(['2001:db8:5:7::/64']));
    expect(clientNetwork('2001:db8:5:7::1')).not.toBe(clientNetwork('2001:db8:5:6::1'));
  });
});
