import { parseIpAddress } from '@login/event-schema';

/** What an IP address written inside a logged text becomes (with its port, and brackets for IPv6). */
export const REDACTED_ADDRESS = '[REDACTED_IP]';

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const PORT = '(?::\\d{1,5})?';
// Four octets, not touching a letter, digit or `.`: `1.2.3` (a version) has three and `1.2.3.4.5` five, so neither
// matches; a sentence may still end right after the address (`from 1.2.3.4.`).
const IPV4 = new RegExp(`(?<![\\w.])${OCTET}(?:\\.${OCTET}){3}${PORT}(?![\\w]|\\.\\d)`, 'g');
// A candidate only (2 to 8 groups and a hex or dotted-quad tail, optional zone, brackets and port); the address parser decides.
// Clock times (`11:25:03`), MAC addresses and `Class::method` are candidates that it refuses.
const IPV6 = new RegExp(
  `(?<![\\w:.])\\[?((?:[0-9A-Fa-f]{0,4}:){2,8}(?:${OCTET}(?:\\.${OCTET}){3}|[0-9A-Fa-f]{0,4}))(?:%[0-9A-Za-z._-]+)?\\]?${PORT}(?![\\w:]|\\.\\d)`,
  'g',
);

/**
 * `text` with every IPv4 and IPv6 literal (IPv4-mapped `::ffff:1.2.3.4`, `[2001:db8::1]:443`, `1.2.3.4:80`
 * included) replaced by `REDACTED_ADDRESS`. Most texts hold neither `.` nor `:`, and those return at once: the
 * regular expressions run only on the rest.
 */
export function redactIpLiterals(text: string): string {
  const colon = text.includes(':');
  if (!colon && !text.includes('.')) return text;
  const withoutV6 = colon
    ? text.replace(IPV6, (match, address: string) => (isRedactableIpv6(address) ? REDACTED_ADDRESS : match))
    : text;
  return withoutV6.replace(IPV4, (match) => (isOwnHostAddress(match) ? match : REDACTED_ADDRESS));
}

// Loopback and "every interface" are no person's address, and they say where a service bound or which local broker
// it reached (`127.0.0.1:9092`): they stay readable.
const OWN_HOST_V4 = /^(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|0\.0\.0\.0)(?::\d+)?$/;

function isOwnHostAddress(match: string): boolean {
  return OWN_HOST_V4.test(match);
}

// `::` alone (the unspecified address) is no one's address, and in text it is mostly punctuation (`Foo ::`); `::1` is
// loopback.
function isRedactableIpv6(address: string): boolean {
  return address !== '::' && address !== '::1' && parseIpAddress(address) !== undefined;
}
