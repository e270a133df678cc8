import { isIPv4, isIPv6 } from 'node:net';

/** 127/8, 10/8, 172.16/12, 192.168/16, 169.254/16 (link-local). */
function privateIPv4(address: string): boolean {
  const [a = -1, b = -1] = address.split('.').map(Number);
  return (
    a === 127 ||
    a === 10 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254)
  );
}

/** ::1, fc00::/7 (unique local), fe80::/10 (link-local), and IPv4-mapped private addresses. */
function privateIPv6(address: string): boolean {
  const lower = address.toLowerCase();
  if (lower === '::1') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped?.[1]) return privateIPv4(mapped[1]);
  return /^f[cd][0-9a-f]{0,2}:/.test(lower) || /^fe[89ab][0-9a-f]?:/.test(lower);
}

/**
 * Whether `origin` (scheme://host[:port]) is this machine or a private network's address: the only
 * places a store without PUBLIC_URL (development) is reached at. Anything else, a public name or
 * address, could be another site, and sending shoppers there would make the store an open redirect.
 */
export function isLocalOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (url.origin !== origin) return false;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIPv4(host)) return privateIPv4(host);
  if (isIPv6(host)) return privateIPv6(host);
  return false;
}
