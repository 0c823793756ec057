import { createHmac, createSecretKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { MaskingKey } from './types';

/** Same alphabet as the output schema's pseudonym pattern, and no `:` so the id is unambiguous. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** 22 base64url characters = 132 bits: collisions stay negligible for billions of device ids. */
export const PSEUDONYM_HASH_LENGTH = 22;

export type Pseudonymiser = (value: string) => string;

function secretBytes(secret: string | Buffer): Buffer {
  if (typeof secret === 'string') return Buffer.from(secret, 'utf8');
  if (Buffer.isBuffer(secret)) return secret;
  throw new TypeError('masking key secret must be a string or a Buffer');
}

/**
 * A keyed, deterministic pseudonym function. The key id travels in the value so consumers can tell which key made
 * it and a rotation never silently mixes pseudonyms of two keys. Errors never include the secret.
 */
export function createPseudonymiser(key: MaskingKey): Pseudonymiser {
  if (key === null || typeof key !== 'object') throw new TypeError('masking key must be an object');
  if (typeof key.id !== 'string' || !KEY_ID_PATTERN.test(key.id)) {
    throw new TypeError('masking key id must match [A-Za-z0-9._-]{1,64}');
  }
  const bytes = secretBytes(key.secret);
  if (bytes.length === 0) throw new TypeError('masking key secret must not be empty');
  // One KeyObject for the masker's lifetime: importing the key per event would cost on the hot path.
  const keyObject: KeyObject = createSecretKey(Buffer.from(bytes));
  const prefix = `${key.id}:`;
  return (value: string): string => {
    if (typeof value !== 'string') throw new TypeError('pseudonymise expects a string');
    const digest = createHmac('sha256', keyObject).update(value, 'utf8').digest('base64url');
    return prefix + digest.slice(0, PSEUDONYM_HASH_LENGTH);
  };
}
