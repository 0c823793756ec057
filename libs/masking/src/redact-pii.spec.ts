import fc from 'fast-check';
import { PII_FIELD_ALIASES, PII_RULES, REDACTED } from './pii-rules';
import { REDACTED_ADDRESS } from './redact-addresses';
import { CIRCULAR, MAX_REDACTION_DEPTH, TRUNCATED, redactPii } from './redact-pii';

describe('redactPii', () => {
  it('redacts the rule fields at any depth and copies the rest', () => {
    const meta = {
      topic: 'user-login',
      offset: '42',
      device_id: '593-47-5928',
      event: { ip: '1.2.3.4', nested: [{ device_id: 'x', keep: 1 }] },
    };
    expect(redactPii(meta)).toEqual({
      topic: 'user-login',
      offset: '42',
      device_id: REDACTED,
      event: { ip: REDACTED, nested: [{ device_id: REDACTED, keep: 1 }] },
    });
    expect(meta.device_id).toBe('593-47-5928');
    expect(meta.event.ip).toBe('1.2.3.4');
  });

  it.each(['deviceId', 'DeviceID', 'DEVICE_ID', 'device-id', 'IP', 'Ip'])('catches the spelling %s', (key) => {
    expect(redactPii({ [key]: 'secret' })).toEqual({ [key]: REDACTED });
  });

  it.each([
    'clientIp',
    'client_ip',
    'ip_address',
    'ipAddress',
    'remoteAddr',
    'remote_address',
    'X-Forwarded-For',
    'x_forwarded_for',
    'x-real-ip',
    'deviceUUID',
    'x-device-id',
    'androidId',
  ])('catches the alias %s', (key) => {
    expect(redactPii({ [key]: 'secret' })).toEqual({ [key]: REDACTED });
  });

  it('keeps the aliases as normalised data', () => {
    for (const aliases of Object.values(PII_FIELD_ALIASES)) {
      for (const alias of aliases) expect(alias).toMatch(/^[a-z0-9]+$/);
    }
  });

  it('redacts addresses inside string values, array items and keys at any depth', () => {
    const meta = {
      note: 'login from 203.0.113.9:5555 refused',
      peers: ['10.0.0.1', { host: '[2001:db8::1]:443' }, 'fine'],
      nested: { deeper: { text: 'mapped ::ffff:1.2.3.4 seen' } },
      byAddress: { '198.51.100.7': 3 },
    };
    expect(redactPii(meta)).toEqual({
      note: `login from ${REDACTED_ADDRESS} refused`,
      peers: [REDACTED_ADDRESS, { host: REDACTED_ADDRESS }, 'fine'],
      nested: { deeper: { text: `mapped ${REDACTED_ADDRESS} seen` } },
      byAddress: { [REDACTED_ADDRESS]: 3 },
    });
  });

  it('leaves versions and timestamps in strings alone', () => {
    const meta = { app_version: '1.2.3', at: '2026-12-07T11:25:03.123Z', took: '12.5' };
    expect(redactPii(meta)).toEqual(meta);
  });

  it('scans texts for addresses only when a rule masks ip', () => {
    const rules = [{ field: 'device_id', strategy: 'pseudonymise' as const }];
    expect(redactPii({ note: 'from 1.2.3.4', deviceId: 'd' }, rules)).toEqual({
      note: 'from 1.2.3.4',
      deviceId: REDACTED,
    });
  });

  it('redacts whole sub-trees under a PII field name', () => {
    expect(redactPii({ ip: { v4: '1.2.3.4' } })).toEqual({ ip: REDACTED });
  });

  it('takes custom rules', () => {
    const rules = [...PII_RULES, { field: 'email', strategy: 'redact' as const }];
    expect(redactPii({ email: 'a@b.c', ip: '1.2.3.4', user: 'u' }, rules)).toEqual({
      email: REDACTED,
      ip: REDACTED,
      user: 'u',
    });
    expect(redactPii({ ip: '1.2.3.4' }, [])).toEqual({ ip: '1.2.3.4' });
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'text'],
    ['a number', 42],
    ['a bigint', 10n],
    ['a boolean', true],
  ])('returns %s unchanged', (_name, value) => {
    expect(redactPii(value)).toBe(value);
  });

  it('leaves Buffers, Dates, Errors, Maps and class instances alone', () => {
    const buffer = Buffer.from('device');
    const date = new Date(0);
    const error = new Error('boom');
    const map = new Map([['ip', '1.2.3.4']]);
    const result = redactPii({ buffer, date, error, map }) as Record<string, unknown>;
    expect(result['buffer']).toBe(buffer);
    expect(result['date']).toBe(date);
    expect(result['error']).toBe(error);
    expect(result['map']).toBe(map);
  });

  it('handles cycles without throwing and keeps shared (non-cyclic) references', () => {
    const shared = { device_id: 'd', note: 'n' };
    const meta: Record<string, unknown> = { a: shared, b: shared, list: [] as unknown[] };
    meta['self'] = meta;
    (meta['list'] as unknown[]).push(meta, shared);
    const result = redactPii(meta) as Record<string, unknown>;
    expect(result['self']).toBe(CIRCULAR);
    expect(result['a']).toEqual({ device_id: REDACTED, note: 'n' });
    expect(result['b']).toEqual({ device_id: REDACTED, note: 'n' });
    expect(result['list']).toEqual([CIRCULAR, { device_id: REDACTED, note: 'n' }]);
  });

  it('cuts structures deeper than the limit', () => {
    let deep: Record<string, unknown> = { ip: '1.2.3.4' };
    for (let i = 0; i < 10_000; i++) deep = { child: deep };
    let result = redactPii(deep) as Record<string, unknown>;
    for (let i = 0; i < MAX_REDACTION_DEPTH; i++) result = result['child'] as Record<string, unknown>;
    expect(result).toBe(TRUNCATED);
  });

  it('copies a __proto__ key as data, never as a prototype', () => {
    const meta = JSON.parse('{"__proto__": {"ip": "1.2.3.4", "polluted": true}, "constructor": {"ip": "x"}}');
    const result = redactPii(meta) as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(result, '__proto__')?.value).toEqual({ ip: REDACTED, polluted: true });
    expect(result['constructor']).toEqual({ ip: REDACTED });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('keeps null-prototype objects null-prototype', () => {
    const meta = Object.assign(Object.create(null) as Record<string, unknown>, { ip: '1.2.3.4', a: 1 });
    const result = redactPii(meta) as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBeNull();
    expect({ ...result }).toEqual({ ip: REDACTED, a: 1 });
  });

  it('fails closed when the metadata cannot be read', () => {
    const hostile = {
      get device_type() {
        throw new Error('getter');
      },
    };
    const proxy = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    expect(redactPii(hostile)).toBe(REDACTED);
    expect(redactPii({ nested: proxy })).toBe(REDACTED);
  });

  it('never throws and never lets a rule field through (property)', () => {
    const key = fc.constantFrom('device_id', 'ip', 'deviceId', 'IP', 'other', 'user_id', '__proto__');
    const tree = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.jsonValue({ maxDepth: 1 }),
        fc.dictionary(key, tie('node'), { maxKeys: 4 }),
        fc.array(tie('node'), { maxLength: 3 }),
      ),
    })).node;
    const leaks = (value: unknown): boolean => {
      if (value === null || typeof value !== 'object') return false;
      return Object.entries(value).some(
        ([k, v]) => (['device_id', 'ip', 'deviceid'].includes(k.toLowerCase()) && v !== REDACTED) || leaks(v),
      );
    };
    fc.assert(
      fc.property(tree, (meta) => {
        expect(leaks(redactPii(meta))).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
