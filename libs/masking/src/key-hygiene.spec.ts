import { randomBytes } from 'node:crypto';
import { DEVELOPMENT_KEY_ID, MIN_KEY_BYTES, isTriviallyRepetitive, keyHygieneProblems } from './key-hygiene';

// A key that passes every rule: 32 random bytes, base64 (what `openssl rand -base64 32` prints).
const GOOD = 'q3Vt7Jx0bN2kP9sYwR4eLhA8mZc1UoGiF5dT6vXyQ0E=';
// The committed development keys, spelt out; apps/processor/src/config.spec.ts checks the hash list against the files.
const DOCKER_DEV_KEY = 'DEV-ONLY-masking-key-not-a-secret-replace-in-production-0123456789';
const NPM_START_DEV_KEY = 'dev-only-masking-key-DO-NOT-USE-IN-PRODUCTION';

const messages = (key: string | Buffer, keyId = 'k1', nodeEnv?: string) =>
  keyHygieneProblems(key, keyId, nodeEnv).map((problem) => `${problem.subject}: ${problem.message}`);

describe('keyHygieneProblems', () => {
  it('accepts a random key under any id, in any environment', () => {
    expect(keyHygieneProblems(GOOD, 'k1', 'production')).toEqual([]);
    expect(keyHygieneProblems(GOOD, DEVELOPMENT_KEY_ID, 'development')).toEqual([]);
    // 32 random bytes have fewer than 8 distinct values with a chance far below 1e-20.
    for (let run = 0; run < 50; run++)
      expect(keyHygieneProblems(randomBytes(MIN_KEY_BYTES), 'prod-2024', 'production')).toEqual([]);
  });

  it(`refuses a key shorter than ${MIN_KEY_BYTES} bytes, counting UTF-8 bytes, not characters`, () => {
    expect(messages(GOOD.slice(0, 31))).toEqual([
      'key: must be at least 32 bytes (UTF-8): generate one with `openssl rand -base64 32`',
    ]);
    expect(messages(GOOD.slice(0, 32))).toEqual([]);
    // 16 characters, 32 bytes: long enough.
    expect(messages('äöüßéèêëîïôœùûçñ')).toEqual([]);
    expect(messages(Buffer.from(GOOD.slice(0, 31)))).toHaveLength(1);
  });

  it.each([
    ['one character repeated', 'a'.repeat(32)],
    ['a period of two', 'ab'.repeat(20)],
    ['a period of four', 'abcd'.repeat(10)],
    ['fewer than 8 distinct bytes', '0123456'.repeat(5)],
    ['a longer block repeated', 'password1234'.repeat(3)],
    ['a block repeated, the last copy cut off', 'correct-horse-battery'.repeat(2) + 'corr'],
  ])('refuses a trivially repetitive key: %s', (_, key) => {
    expect(messages(key)).toEqual([
      'key: is trivially repetitive (fewer than 8 distinct bytes, or one block repeated): generate one with `openssl rand -base64 32`',
    ]);
  });

  it('calls a key repetitive only when half of it or more repeats a block', () => {
    expect(isTriviallyRepetitive(Buffer.from('abcdefgh'))).toBe(false);
    expect(isTriviallyRepetitive(Buffer.from('abcdefghabcdefgh'))).toBe(true);
    expect(isTriviallyRepetitive(Buffer.from('abcdefghijkabcdefgh'))).toBe(false);
    expect(isTriviallyRepetitive(Buffer.from('integration-test-masking-key-0123456789'))).toBe(false);
  });

  it('reports every problem at once: short and repetitive', () => {
    expect(keyHygieneProblems('aaaaaaaaaaaaaaaa', 'k1', undefined).map((problem) => problem.message)).toEqual([
      expect.stringMatching(/^must be at least 32 bytes/),
      expect.stringMatching(/^is trivially repetitive/),
    ]);
  });

  it.each([DOCKER_DEV_KEY, NPM_START_DEV_KEY])('refuses the development key %# under any id but "dev"', (key) => {
    for (const id of ['k1', 'prod-2024']) {
      expect(messages(key, id, 'production')).toEqual([
        `key: is a development key committed to this repository (public): it runs only under key id "dev", not "${id}"`,
      ]);
      expect(messages(key, id, 'development')).toHaveLength(1);
    }
    expect(messages(key, DEVELOPMENT_KEY_ID, 'development')).toEqual([]);
    expect(messages(Buffer.from(key), DEVELOPMENT_KEY_ID, 'test')).toEqual([]);
  });

  it('refuses key id "dev" with NODE_ENV=production, whatever the key', () => {
    expect(messages(GOOD, 'dev', 'production')).toEqual([
      'keyId: "dev" marks a development key and is refused with NODE_ENV=production: give the production key its own id',
    ]);
    expect(messages(DOCKER_DEV_KEY, 'dev', 'production')).toHaveLength(1);
    for (const nodeEnv of ['development', 'test', undefined]) expect(messages(GOOD, 'dev', nodeEnv)).toEqual([]);
  });

  it('never puts the key into a message', () => {
    for (const key of ['secretsecretsecretsecretsecret12', 'short-secret', DOCKER_DEV_KEY]) {
      for (const message of messages(key, 'k1', 'production')) expect(message).not.toContain(key.slice(0, 8));
    }
  });
});
