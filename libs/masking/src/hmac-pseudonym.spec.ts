import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { PSEUDONYM_PATTERN } from '@login/event-schema';
import { createPseudonymiser } from './hmac-pseudonym';

const KEY = { id: 'k2024', secret: 'test-secret' };

describe('createPseudonymiser', () => {
  const pseudonymise = createPseudonymiser(KEY);

  it('is `<keyId>:<22 base64url chars>` of HMAC-SHA-256 (pinned vector)', () => {
    expect(pseudonymise('593-47-5928')).toBe('k2024:qpw5Fx26tUFWyiV4FZtA9E');
  });

  it('matches an independent HMAC-SHA-256 computation', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 256 }), (value) => {
        const expected = createHmac('sha256', 'test-secret').update(value, 'utf8').digest('base64url').slice(0, 22);
        expect(pseudonymise(value)).toBe(`k2024:${expected}`);
      }),
    );
  });

  it('matches the output schema pattern', () => {
    const pattern = new RegExp(PSEUDONYM_PATTERN);
    fc.assert(fc.property(fc.string(), (value) => expect(pseudonymise(value)).toMatch(pattern)));
  });

  it('is deterministic per key, also across instances', () => {
    const again = createPseudonymiser({ ...KEY });
    fc.assert(fc.property(fc.string(), (value) => expect(again(value)).toBe(pseudonymise(value))));
  });

  it('treats a string secret and its UTF-8 Buffer as the same key', () => {
    const fromBuffer = createPseudonymiser({ id: 'k2024', secret: Buffer.from('test-secret') });
    expect(fromBuffer('device')).toBe(pseudonymise('device'));
  });

  it('differs per secret', () => {
    const other = createPseudonymiser({ id: 'k2024', secret: 'another-secret' });
    fc.assert(fc.property(fc.string(), (value) => expect(other(value)).not.toBe(pseudonymise(value))));
  });

  it('carries the key id, so a rotated key is visible', () => {
    const rotated = createPseudonymiser({ id: 'k2025', secret: 'test-secret' });
    expect(rotated('device').startsWith('k2025:')).toBe(true);
    expect(rotated('device').slice(6)).toBe(pseudonymise('device').slice(6));
  });

  it('gives different values different pseudonyms', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        fc.pre(a !== b);
        expect(pseudonymise(a)).not.toBe(pseudonymise(b));
      }),
    );
  });

  it('copies a Buffer secret, so changing the caller’s buffer later changes nothing', () => {
    const secret = Buffer.from('test-secret');
    const fromBuffer = createPseudonymiser({ id: 'k2024', secret });
    secret.fill(0);
    expect(fromBuffer('593-47-5928')).toBe('k2024:qpw5Fx26tUFWyiV4FZtA9E');
  });

  it.each([
    ['empty id', { id: '', secret: 's' }],
    ['id with a colon', { id: 'a:b', secret: 's' }],
    ['id with a space', { id: 'a b', secret: 's' }],
    ['id too long', { id: 'a'.repeat(65), secret: 's' }],
    ['id not a string', { id: 7, secret: 's' }],
    ['empty secret', { id: 'k', secret: '' }],
    ['empty Buffer secret', { id: 'k', secret: Buffer.alloc(0) }],
    ['secret a number', { id: 'k', secret: 1234 }],
    ['no key', null],
  ])('rejects %s without naming the secret', (_name, key) => {
    expect(() => createPseudonymiser(key as never)).toThrow(TypeError);
    try {
      createPseudonymiser(key as never);
    } catch (error) {
      expect(String(error)).not.toContain('1234');
    }
  });

  it('rejects a non-string value', () => {
    expect(() => pseudonymise(42 as unknown as string)).toThrow(TypeError);
  });
});
