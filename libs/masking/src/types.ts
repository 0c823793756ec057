import type { IpAddress, LoginEvent } from '@login/event-schema';
import type { PiiField } from './pii-rules';

export type IpMaskStrategy = 'truncate' | 'hmac' | 'redact';

export interface MaskingKey {
  /** Goes into every pseudonym, so a key rotation is visible in the data: `[A-Za-z0-9._-]{1,64}`. */
  id: string;
  secret: string | Buffer;
}

export interface MaskingOptions {
  key: MaskingKey;
  ipStrategy: IpMaskStrategy;
  /** Pseudonyms remembered per generation (default `DEFAULT_PSEUDONYM_MEMO_ENTRIES`; 0 turns the memo off). */
  pseudonymMemoEntries?: number;
}

export interface MaskingRule {
  field: string;
  /** `ip` masks the event's parsed address (`LoginEvent.address`) by the masker's `ipStrategy`. */
  strategy: 'pseudonymise' | 'ip' | 'redact';
}

/** Every field `PII_RULES` names, masked. */
export type MaskedFields = Readonly<Record<PiiField, string>>;

export interface Masker {
  /** Masks every field `PII_RULES` names, each by its rule's strategy; throws like the functions below. */
  maskEvent(event: LoginEvent): MaskedFields;
  /** `${key.id}.v2:${base64url(HMAC-SHA-256(secret, 'device_id\0' + raw))[0..22]}` (`hmac-pseudonym.ts`). */
  maskDeviceId(raw: string): string;
  /**
   * truncate: IPv4 /24 (`1.2.3.0`), IPv6 /48 (`2001:db8:1::`) or shorter so that an embedded IPv4 keeps at most its
   * /24 (6to4 `2002:c612:4d63::5` → `2002:c612:4d00::`); hmac: a pseudonym like device_id's, in
   * its own domain (`ip\0` + canonical text), so it never equals the device_id pseudonym of the same text;
   * redact: `redacted`. Throws a TypeError (not naming the value) when `ip` is not an address of `version`.
   */
  maskIp(ip: string, version: 4 | 6): string;
  /** `maskIp` of an address already parsed (`LoginEvent.address`): no second parse on the hot path. */
  maskAddress(address: IpAddress): string;
}
