import { createHmac, createSecretKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { MaskingKey } from './types';

/** Same alphabet as the output schema's pseudonym pattern, and no `:` so the id is unambiguous. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** 22 base64url characters = 132 bits: collisions stay negligible for billions of device ids. */
export const PSEUDONYM_HASH_LENGTH = 22;

/**
 * Marks the derivation in every pseudonym, after the key id (`k1.v2:…`). Version 1 (`k1:…`, HMAC over the value
 * alone) gave a device id and an IP address of the same text one pseudonym; version 2 HMACs `<field>\0<value>`.
 * A pseudonym's prefix therefore changes with the derivation as it does with the key, without an operator having
 * to pick a new MASKING_KEY_ID: old and new pseudonyms of one value never look like one key's output.
 */
export const PSEUDONYM_DERIVATION = 'v2';

/** The fields a pseudonym can be of: the HMAC domain tags. None holds a NUL, which keeps `<field>\0<value>` unambiguous. */
export type PseudonymDomain = 'device_id' | 'ip';

export type Pseudonymiser = (value: string) => string;

function secretBytes(secret: string | Buffer): Buffer {
  if (typeof secret === 'string') return Buffer.from(secret, 'utf8');
  if (Buffer.isBuffer(secret)) return secret;
  throw new TypeError('masking key secret must be a string or a Buffer');
}

/**
 * A keyed, deterministic pseudonym function for one field (`domain`): `<key id>.v2:` and 22 base64url characters of
 * HMAC-SHA-256(secret, `<domain>\0<value>`). The key id travels in the value so consumers can tell which key made
 * it and a rotation never silently mixes pseudonyms of two keys; the domain keeps the pseudonym spaces of two fields
 * apart (`1.2.3.4` as a device id is not `1.2.3.4` as an address). Errors never include the secret.
 */
export function createPseudonymiser(key: MaskingKey, domain: PseudonymDomain): Pseudonymiser {
  if (key === null || typeof key !== 'object') throw new TypeError('masking key must be an object');
  if (typeof key.id !== 'string' || !KEY_ID_PATTERN.test(key.id)) {
    throw new TypeError('masking key id must match [A-Za-z0-9._-]{1,64}');
  }
  if (domain !== 'device_id' && domain !== 'ip') throw new TypeError('pseudonym domain must be device_id or ip');
  const bytes = secretBytes(key.secret);
  if (bytes.length === 0) throw new TypeError('masking key secret must not be empty');
  // One KeyObject for the masker's lifetime: importing the key per event would cost on the hot path.
  const keyObject: KeyObject = createSecretKey(Buffer.from(bytes));
  const prefix = `${key.id}.${PSEUDONYM_DERIVATION}:`;
  const tag = `${domain}\u0000`;
  return (value: string): string => {
    if (typeof value !== 'string') throw new TypeError('pseudonymise expects a string');
    const digest = createHmac('sha256', keyObject).update(tag, 'utf8').update(value, 'utf8').digest('base64url');
    return prefix + digest.slice(0, PSEUDONYM_HASH_LENGTH);
  };
}
