import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/** Where a webhook may be sent (docs/webhooks.md, "SSRF defence"). */
export interface AddressPolicy {
  /** Refuse loopback, private, link-local, shared, multicast and reserved addresses. */
  blockPrivate: boolean;
  /** Host names (exact), IP addresses or CIDR ranges allowed even when internal. */
  allowed: readonly string[];
}

const INTERNAL = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  INTERNAL.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  INTERNAL.addSubnet(network, prefix, 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:127.0.0.1`), else the address itself. */
function unmapped(address: string): string {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return match ? match[1] : address;
}

/** Loopback, private, link-local, carrier-grade NAT, documentation, multicast or reserved. */
export function isInternalAddress(address: string): boolean {
  const ip = unmapped(address.replace(/^\[|\]$/g, ''));
  const family = isIP(ip);
  if (family === 0) return false;
  if (family === 6 && /^::ffff:/i.test(ip)) return true; // a mapped form not written in dotted quads
  return INTERNAL.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

function allowList(policy: AddressPolicy): { hosts: Set<string>; addresses: BlockList } {
  const hosts = new Set<string>();
  const addresses = new BlockList();
  for (const entry of policy.allowed) {
    const [network, prefix] = entry.split('/');
    const family = isIP(network);
    if (family === 0) hosts.add(entry.toLowerCase());
    else if (prefix === undefined) addresses.addAddress(network, family === 4 ? 'ipv4' : 'ipv6');
    else addresses.addSubnet(network, Number(prefix), family === 4 ? 'ipv4' : 'ipv6');
  }
  return { hosts, addresses };
}

/** Whether a connection to `address` (reached through `host`) is allowed. */
export function isAllowedTarget(policy: AddressPolicy, host: string, address: string): boolean {
  if (!policy.blockPrivate || !isInternalAddress(address)) return true;
  const allowed = allowList(policy);
  const ip = unmapped(address.replace(/^\[|\]$/g, ''));
  const family = isIP(ip);
  return allowed.hosts.has(host.toLowerCase()) || allowed.hosts.has(ip) || (family !== 0 && allowed.addresses.check(ip, family === 4 ? 'ipv4' : 'ipv6'));
}

/**
 * Why a URL cannot be a webhook endpoint, or null when it can: http(s) only, no credentials, at most 2000
 * characters, and under a blocking policy no `localhost` name or internal IP literal (host names are checked
 * again at every connection, on the addresses they resolve to: see {@link guardedLookup}).
 */
export function endpointUrlProblem(raw: string, policy: AddressPolicy): string | null {
  if (raw.length > 2000) return 'must be at most 2000 characters';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute http:// or https:// URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http:// or https:// URL';
  if (url.username !== '' || url.password !== '') return 'must not contain credentials (user:password@)';
  if (url.hostname === '') return 'must name a host';
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (policy.blockPrivate) {
    const named = host === 'localhost' || host.endsWith('.localhost');
    if (named && !isAllowedTarget(policy, host, '127.0.0.1')) return 'must not point at this machine (localhost)';
    if (isIP(host) !== 0 && !isAllowedTarget(policy, host, host)) return 'must not point at a loopback, private or otherwise internal address';
  }
  return null;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http.request that refuses internal addresses a host name resolves to, at connection time
 * (so a name that resolved to a public address at registration cannot be rebound to an internal one).
 */
export function guardedLookup(policy: AddressPolicy) {
  return (hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, options.all ? [] : '', undefined);
      const usable = addresses.filter((entry) => isAllowedTarget(policy, hostname, entry.address));
      if (usable.length === 0) {
        const refused = Object.assign(new Error(`${hostname} resolves to an internal address, refused (WEBHOOK_BLOCK_PRIVATE_ADDRESSES)`), { code: 'EADDRREFUSED' });
        return callback(refused, options.all ? [] : '', undefined);
      }
      if (options.all) return callback(null, usable);
      callback(null, usable[0].address, usable[0].family);
    });
  };
}
