import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { PSEUDONYM_PATTERN } from '@login/event-schema';
import { createPseudonymiser } from './hmac-pseudonym';

const KEY = { id: 'k2024', secret: 'test-secret' };

describe('createPseudonymiser', () => {
  const pseudonymise = createPseudonymiser(KEY, 'device_id');
  const pseudonymiseIp = createPseudonymiser(KEY, 'ip');

  it('is `<keyId>.v2:<22 base64url chars>` of HMAC-SHA-256 over `<field>\\0<value>` (pinned vectors)', () => {
    expect(pseudonymise('593-47-5928')).toBe('k2024.v2:JgcrAiRf9yb7uMB_ZIMEj5');
    expect(pseudonymise('1.2.3.4')).toBe('k2024.v2:_6xsGQFbT3S9aqReXdTb2a');
    expect(pseudonymiseIp('1.2.3.4')).toBe('k2024.v2:2NmerNLRKtVglfpq5i5gcR');
  });

  it('never gives the superseded derivation (HMAC of the value alone, `k2024:qpw5Fx26tUFWyiV4FZtA9E`)', () => {
    expect(pseudonymise('593-47-5928')).not.toContain('qpw5Fx26tUFWyiV4FZtA9E');
    expect(pseudonymise('593-47-5928').startsWith('k2024:')).toBe(false);
  });

  it.each(['device_id', 'ip'] as const)('matches an independent HMAC-SHA-256 computation (%s)', (domain) => {
    const ofDomain = createPseudonymiser(KEY, domain);
    fc.assert(
      fc.property(fc.string({ maxLength: 256 }), (value) => {
        const expected = createHmac('sha256', 'test-secret')
          .update(`${domain}\u0000${value}`, 'utf8')
          .digest('base64url')
          .slice(0, 22);
        expect(ofDomain(value)).toBe(`k2024.v2:${expected}`);
      }),
    );
  });

  it('keeps the fields apart: the same value under the same key is another pseudonym per field', () => {
    fc.assert(fc.property(fc.string(), (value) => expect(pseudonymiseIp(value)).not.toBe(pseudonymise(value))));
  });

  it('refuses an unknown domain', () => {
    expect(() => createPseudonymiser(KEY, 'user_id' as never)).toThrow(TypeError);
  });

  it('matches the output schema pattern', () => {
    const pattern = new RegExp(PSEUDONYM_PATTERN);
    fc.assert(fc.property(fc.string(), (value) => expect(pseudonymise(value)).toMatch(pattern)));
  });

  it('is deterministic per key, also across instances', () => {
    const again = createPseudonymiser({ ...KEY }, 'device_id');
    fc.assert(fc.property(fc.string(), (value) => expect(again(value)).toBe(pseudonymise(value))));
  });

  it('treats a string secret and its UTF-8 Buffer as the same key', () => {
    const fromBuffer = createPseudonymiser({ id: 'k2024', secret: Buffer.from('test-secret') }, 'device_id');
    expect(fromBuffer('device')).toBe(pseudonymise('device'));
  });

  it('differs per secret', () => {
    const other = createPseudonymiser({ id: 'k2024', secret: 'another-secret' }, 'device_id');
    fc.assert(fc.property(fc.string(), (value) => expect(other(value)).not.toBe(pseudonymise(value))));
  });

  it('carries the key id, so a rotated key is visible', () => {
    const rotated = createPseudonymiser({ id: 'k2025', secret: 'test-secret' }, 'device_id');
    expect(rotated('device').startsWith('k2025.v2:')).toBe(true);
    expect(rotated('device').slice(9)).toBe(pseudonymise('device').slice(9));
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
    const fromBuffer = createPseudonymiser({ id: 'k2024', secret }, 'device_id');
    secret.fill(0);
    expect(fromBuffer('593-47-5928')).toBe('k2024.v2:JgcrAiRf9yb7uMB_ZIMEj5');
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
    expect(() => createPseudonymiser(key as never, 'device_id')).toThrow(TypeError);
    try {
      createPseudonymiser(key as never, 'device_id');
    } catch (error) {
      expect(String(error)).not.toContain('1234');
    }
  });

  it('rejects a non-string value', () => {
    expect(() => pseudonymise(42 as unknown as string)).toThrow(TypeError);
  });
});
