import { createHash } from 'node:crypto';

/** The key id the development keys go by, so their pseudonyms (`dev.v2:…`) never pass for production ones. */
export const DEVELOPMENT_KEY_ID = 'dev';

/** HMAC-SHA-256 takes keys up to 64 bytes as they are; below 32 bytes the key is weaker than the hash. */
export const MIN_KEY_BYTES = 32;

/** A key with fewer distinct bytes than this is a typing exercise, not a secret (random 32-byte keys have ~25). */
export const MIN_DISTINCT_KEY_BYTES = 8;

/**
 * SHA-256 (hex) of the development keys committed to this repository, as the apps read them (a key file without its
 * trailing newline): `docker/secrets/masking-key.dev-only` and `DEV_MASKING_KEY` of `tools/scripts/dev-env.mjs`.
 * Anyone with the repository can reverse their pseudonyms, so they may only run under `DEVELOPMENT_KEY_ID`.
 * Hashes, not the keys, so a grep for a key finds only where it is used. Kept equal to the files by
 * apps/processor/src/config.spec.ts.
 */
export const DEVELOPMENT_KEY_SHA256: readonly string[] = Object.freeze([
  '22b645feb50bee204531409d30d93c70e3b37dfc808b4c49c778943a54cc354b',
  'a609991eb3de2b5553be5f24a055f21e83707c30b91e0beac75fd0195d016ec6',
]);

/** What is wrong (`key`: the secret, `keyId`: its id); the message never holds the key. */
export interface KeyHygieneProblem {
  readonly subject: 'key' | 'keyId';
  readonly message: string;
}

const GENERATE = 'generate one with `openssl rand -base64 32`';

/**
 * Why `key` must not mask production data under `keyId`, or nothing. `nodeEnv` is the process's NODE_ENV: only
 * `production` refuses the development key id (development and test machines run it, with a warning).
 */
export function keyHygieneProblems(
  key: string | Buffer,
  keyId: string,
  nodeEnv: string | undefined,
): KeyHygieneProblem[] {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  const problems: KeyHygieneProblem[] = [];
  if (bytes.length < MIN_KEY_BYTES)
    problems.push({ subject: 'key', message: `must be at least ${MIN_KEY_BYTES} bytes (UTF-8): ${GENERATE}` });
  if (isTriviallyRepetitive(bytes))
    problems.push({
      subject: 'key',
      message: `is trivially repetitive (fewer than ${MIN_DISTINCT_KEY_BYTES} distinct bytes, or one block repeated): ${GENERATE}`,
    });
  if (keyId !== DEVELOPMENT_KEY_ID && isDevelopmentKey(bytes))
    problems.push({
      subject: 'key',
      message: `is a development key committed to this repository (public): it runs only under key id "${DEVELOPMENT_KEY_ID}", not "${keyId}"`,
    });
  if (keyId === DEVELOPMENT_KEY_ID && nodeEnv === 'production')
    problems.push({
      subject: 'keyId',
      message: `"${DEVELOPMENT_KEY_ID}" marks a development key and is refused with NODE_ENV=production: give the production key its own id`,
    });
  return problems;
}

/** Whether `key` is one of the committed development keys (`DEVELOPMENT_KEY_SHA256`). */
export function isDevelopmentKey(key: string | Buffer): boolean {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  return DEVELOPMENT_KEY_SHA256.includes(createHash('sha256').update(bytes).digest('hex'));
}

/**
 * The rule: fewer than `MIN_DISTINCT_KEY_BYTES` distinct bytes (`aaaa…`, `abab…`, `0101…`), or the whole key is a
 * shorter block repeated, the last copy possibly cut off (`password1password1pass`). Random keys never are.
 */
export function isTriviallyRepetitive(bytes: Uint8Array): boolean {
  if (new Set(bytes).size < MIN_DISTINCT_KEY_BYTES) return true;
  return bytes.length > 0 && smallestPeriod(bytes) * 2 <= bytes.length;
}

// The shortest p with bytes[i] === bytes[i - p] for every i >= p: length minus the longest proper prefix that is
// also a suffix (the Knuth-Morris-Pratt failure function), linear even for a long key file.
function smallestPeriod(bytes: Uint8Array): number {
  const border = new Uint32Array(bytes.length);
  for (let i = 1, k = 0; i < bytes.length; i++) {
    while (k > 0 && bytes[i] !== bytes[k]) k = border[k - 1] ?? 0;
    if (bytes[i] === bytes[k]) k++;
    border[i] = k;
  }
  return bytes.length - (border[bytes.length - 1] ?? 0);
}
