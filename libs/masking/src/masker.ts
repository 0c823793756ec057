import { formatIpAddress } from '@login/event-schema';
import type { IpAddress, LoginEvent } from '@login/event-schema';
import { boundedMemo } from './bounded-memo';
import { createPseudonymiser } from './hmac-pseudonym';
import { parseIpOfVersion, truncateAddress } from './ip-truncation';
import { PII_RULES, REDACTED, REDACTED_IP } from './pii-rules';
import type { PiiField } from './pii-rules';
import type { IpMaskStrategy, MaskedFields, Masker, MaskingOptions, MaskingRule } from './types';

const IP_STRATEGIES: ReadonlySet<IpMaskStrategy> = new Set(['truncate', 'hmac', 'redact']);

/**
 * Device ids recur (users log in again from the same phone), and one HMAC costs ~30× a map lookup: the pseudonyms
 * of the most recent device ids are remembered. Two generations of this many entries bound the memory (~10 MB;
 * the hmac ip strategy keeps a second memo for its own domain).
 */
export const DEFAULT_PSEUDONYM_MEMO_ENTRIES = 32_768;

/**
 * Builds a masker once at start-up (it validates the key and imports it once). The masking functions throw a
 * TypeError, never naming the value, when handed something that is not what they mask: the caller dead-letters
 * it as MASKING_FAILED rather than let an unmasked value through.
 */
export function createMasker(options: MaskingOptions): Masker {
  if (!IP_STRATEGIES.has(options.ipStrategy)) throw new TypeError('ipStrategy must be truncate, hmac or redact');
  const memoEntries = options.pseudonymMemoEntries ?? DEFAULT_PSEUDONYM_MEMO_ENTRIES;
  // One pseudonymiser (and memo) per field: each is its own HMAC domain, so their memos cannot share entries.
  const pseudonymise = boundedMemo(createPseudonymiser(options.key, 'device_id'), memoEntries);
  const maskAddress = addressMasker(options.ipStrategy, () =>
    boundedMemo(createPseudonymiser(options.key, 'ip'), memoEntries),
  );
  const fieldMaskers = PII_RULES.map((rule) => ({
    field: rule.field,
    mask: ruleMasker(rule, pseudonymise, maskAddress),
  }));
  return Object.freeze({
    maskEvent: (event: LoginEvent): MaskedFields => {
      const masked: Partial<Record<PiiField, string>> = {};
      for (const { field, mask } of fieldMaskers) masked[field] = mask(event);
      return masked as MaskedFields;
    },
    maskDeviceId: (raw: string): string => pseudonymise(raw),
    maskIp: (ip: string, version: 4 | 6): string => maskAddress(parseIpOfVersion(ip, version)),
    maskAddress: (address: IpAddress): string => maskAddress(checkedAddress(address)),
  });
}

/** How one rule masks its field of an event. */
function ruleMasker(
  rule: MaskingRule,
  pseudonymise: (value: string) => string,
  maskAddress: (address: IpAddress) => string,
): (event: LoginEvent) => string {
  switch (rule.strategy) {
    case 'pseudonymise':
      return (event) => pseudonymise((event as unknown as Record<string, string>)[rule.field] as string);
    case 'ip':
      return (event) => maskAddress(checkedAddress(event.address));
    case 'redact':
      return () => REDACTED;
  }
}

// `ipPseudonymiser` is called only for the hmac strategy: the others never key the ip domain nor hold its memo.
function addressMasker(
  strategy: IpMaskStrategy,
  ipPseudonymiser: () => (value: string) => string,
): (address: IpAddress) => string {
  switch (strategy) {
    case 'truncate':
      return truncateAddress;
    case 'hmac': {
      const pseudonymise = ipPseudonymiser();
      // Canonical text: `2001:DB8::1` and `2001:db8:0::1` are one address and must get one pseudonym.
      return (address) => pseudonymise(formatIpAddress(address));
    }
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
