import { formatIpAddress } from '@login/event-schema';
import type { IpAddress } from '@login/event-schema';
import { boundedMemo } from './bounded-memo';
import { createPseudonymiser } from './hmac-pseudonym';
import { parseIpOfVersion, truncateAddress } from './ip-truncation';
import { REDACTED_IP } from './pii-rules';
import type { IpMaskStrategy, Masker, MaskingOptions } from './types';

const IP_STRATEGIES: ReadonlySet<IpMaskStrategy> = new Set(['truncate', 'hmac', 'redact']);

/**
 * Device ids recur (users log in again from the same phone), and one HMAC costs ~30× a map lookup: the pseudonyms
 * of the most recent device ids are remembered. Two generations of this many entries bound the memory (~10 MB).
 */
export const DEFAULT_PSEUDONYM_MEMO_ENTRIES = 32_768;

/**
 * Builds a masker once at start-up (it validates the key and imports it once). The masking functions throw a
 * TypeError, never naming the value, when handed something that is not what they mask: the caller dead-letters
 * it as MASKING_FAILED rather than let an unmasked value through.
 */
export function createMasker(options: MaskingOptions): Masker {
  if (!IP_STRATEGIES.has(options.ipStrategy)) throw new TypeError('ipStrategy must be truncate, hmac or redact');
  const pseudonymise = boundedMemo(
    createPseudonymiser(options.key),
    options.pseudonymMemoEntries ?? DEFAULT_PSEUDONYM_MEMO_ENTRIES,
  );
  const maskAddress = addressMasker(options.ipStrategy, pseudonymise);
  return Object.freeze({
    maskDeviceId: (raw: string): string => pseudonymise(raw),
    maskIp: (ip: string, version: 4 | 6): string => maskAddress(parseIpOfVersion(ip, version)),
    maskAddress: (address: IpAddress): string => maskAddress(checkedAddress(address)),
  });
}

function addressMasker(strategy: IpMaskStrategy, pseudonymise: (value: string) => string): (address: IpAddress) => string {
  switch (strategy) {
    case 'truncate':
      return truncateAddress;
    case 'hmac':
      // Canonical text: `2001:DB8::1` and `2001:db8:0::1` are one address and must get one pseudonym.
      return (address) => pseudonymise(formatIpAddress(address));
    case 'redact':
      return () => REDACTED_IP;
  }
}

/** A wiring mistake (an event copied without its address) must fail the masking, not mask `undefined`. */
function checkedAddress(address: IpAddress): IpAddress {
  const length = address?.bytes?.length;
  if (!((address?.version === 4 && length === 4) || (address?.version === 6 && length === 16))) {
    throw new TypeError('not a parsed IP address');
  }
  return address;
}
