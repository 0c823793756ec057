import { boundedMemo } from './bounded-memo';
import { createPseudonymiser } from './hmac-pseudonym';
import { canonicalIp, truncateIp } from './ip-truncation';
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
  const maskIp = ipMasker(options.ipStrategy, pseudonymise);
  return Object.freeze({
    maskDeviceId: (raw: string): string => pseudonymise(raw),
    maskIp,
  });
}

function ipMasker(strategy: IpMaskStrategy, pseudonymise: (value: string) => string): Masker['maskIp'] {
  switch (strategy) {
    case 'truncate':
      return truncateIp;
    case 'hmac':
      // Canonical text first: `2001:DB8::1` and `2001:db8:0::1` are one address and must get one pseudonym.
      return (ip, version) => pseudonymise(canonicalIp(ip, version).text);
    case 'redact':
      return (ip, version) => {
        canonicalIp(ip, version);
        return REDACTED_IP;
      };
  }
}
