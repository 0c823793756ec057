import type { InputEvent, InputReasonCode } from './input-event';
import { epochSecondsString } from './input-event';
import type { RandomSource } from './random';

/**
 * Malformed records, by kind. Each kind is one way real producers get it wrong, and maps to the DLQ reason code
 * (docs/contracts.md "Dead letter record") the processor must give it. Together the kinds cover every reason code input can trigger.
 * A kind starts from a valid event (so the record is keyed like real traffic) and breaks one thing.
 */

/** The processor's default value limit (docs/contracts.md "Configuration" MAX_VALUE_BYTES). */
export const MAX_VALUE_BYTES = 65_536;
const DAY_MS = 86_400_000;
/** 2000-01-01T00:00:00Z in epoch seconds: earlier event times are out of range. */
const YEAR_2000_S = 946_684_800;

export interface MalformedContext {
  readonly random: RandomSource;
  readonly nowMs: number;
}

export interface MalformedKind {
  readonly name: string;
  readonly reason: InputReasonCode;
  readonly description: string;
  /** The record value: bytes, or null for a tombstone. */
  make(event: InputEvent, ctx: MalformedContext): Buffer | null;
}

const json = (x: unknown): Buffer => Buffer.from(JSON.stringify(x), 'utf8');

/** Serialises `event` with `bytes` spliced in as the raw content of the `locale` string. */
function withRawLocale(event: InputEvent, bytes: Buffer): Buffer {
  const marker = '\u0000locale\u0000';
  const text = JSON.stringify({ ...event, locale: marker });
  const at = text.indexOf(JSON.stringify(marker));
  const before = Buffer.from(text.slice(0, at) + '"', 'utf8');
  const after = Buffer.from('"' + text.slice(at + JSON.stringify(marker).length), 'utf8');
  return Buffer.concat([before, bytes, after]);
}

const REQUIRED_FIELDS = ['user_id', 'app_version', 'ip', 'locale', 'device_id', 'timestamp'] as const;

export const MALFORMED_KINDS: readonly MalformedKind[] = [
  {
    name: 'not-json',
    reason: 'INVALID_JSON',
    description: 'text that is not JSON: a truncated object, single quotes, a trailing comma, a log line',
    make(event, { random }) {
      const text = JSON.stringify(event);
      const variants = [
        () => text.slice(0, random.int(1, text.length - 1)), // a proper prefix of an object is never valid JSON
        () => text.replace(/"/g, "'"),
        () => text.replace(/}$/, ',}'),
        () => `login user=${event.user_id} ip=${event.ip} ok`,
        () => text.replace(/"([a-z_]+)":/g, '$1:'),
      ];
      return Buffer.from(random.pick(variants)(), 'utf8');
    },
  },
  {
    name: 'invalid-utf8',
    reason: 'INVALID_ENCODING',
    description: 'JSON whose bytes are not valid UTF-8 (Latin-1 text, a lone continuation byte, an overlong form)',
    make(event, { random }) {
      const bad = random.pick([
        Buffer.from([0x4d, 0xfc, 0x6e, 0x63, 0x68, 0x65, 0x6e]), // "München" in Latin-1
        Buffer.from([0x52, 0x55, 0x80]), // lone continuation byte
        Buffer.from([0xc0, 0xaf]), // overlong "/"
        Buffer.from([0xed, 0xa0, 0x80]), // encoded UTF-16 surrogate
        Buffer.from([0xff, 0xfe]),
      ]);
      return withRawLocale(event, bad);
    },
  },
  {
    name: 'empty',
    reason: 'EMPTY_VALUE',
    description: 'a value of zero bytes',
    make: () => Buffer.alloc(0),
  },
  {
    name: 'tombstone',
    reason: 'EMPTY_VALUE',
    description: 'a null value (a tombstone)',
    make: () => null,
  },
  {
    name: 'oversized',
    reason: 'VALUE_TOO_LARGE',
    description: `a valid event padded beyond ${MAX_VALUE_BYTES} bytes (a debug dump left in)`,
    make(event, { random }) {
      const base = JSON.stringify(event).length;
      const padding = MAX_VALUE_BYTES - base + random.int(64, 32 * 1024);
      return json({ ...event, debug_trace: 'x'.repeat(padding) });
    },
  },
  {
    name: 'json-array',
    reason: 'NOT_AN_OBJECT',
    description: 'a JSON array (events batched by mistake, or an empty list)',
    make: (event, { random }) => (random.chance(0.5) ? json([event]) : json([])),
  },
  {
    name: 'json-string',
    reason: 'NOT_AN_OBJECT',
    description: 'the event JSON-encoded twice: a JSON string instead of an object',
    make: (event) => json(JSON.stringify(event)),
  },
  {
    name: 'missing-field',
    reason: 'SCHEMA_VIOLATION',
    description: `one required field left out (${REQUIRED_FIELDS.join(', ')})`,
    make(event, { random }) {
      const field = random.pick(REQUIRED_FIELDS);
      const copy: Partial<InputEvent> = { ...event };
      delete copy[field];
      return json(copy);
    },
  },
  {
    name: 'wrong-type',
    reason: 'SCHEMA_VIOLATION',
    description: 'a field of the wrong JSON type (numeric device_id, app_version as a number, ip as a list, …)',
    make(event, { random }) {
      const variants: Array<() => Record<string, unknown>> = [
        () => ({ ...event, device_id: Number(event.device_id.replace(/-/g, '')) }),
        () => ({ ...event, app_version: 2.3 }),
        () => ({ ...event, ip: [event.ip] }),
        () => ({ ...event, user_id: random.int(1, 9_999_999) }),
        () => ({ ...event, locale: null }),
        () => ({ ...event, timestamp: true }),
        () => ({ ...event, device_type: { name: event.device_type ?? 'android' } }),
      ];
      return json(random.pick(variants)());
    },
  },
  {
    name: 'bad-ip',
    reason: 'SCHEMA_VIOLATION',
    description: 'an ip that is no address: with a port, a CIDR suffix, a host name, out-of-range octets',
    make(event, { random }) {
      const v4 = event.ip.includes(':') ? '203.0.113.7' : event.ip;
      const ip = random.pick([
        () => `${v4}:${random.int(1024, 65535)}`,
        () => `${v4.split('.').slice(0, 3).join('.')}.0/24`,
        () => random.hostname(),
        () => `${random.int(256, 999)}.${random.int(0, 255)}.${random.int(0, 255)}.${random.int(0, 255)}`,
        () => `[2001:db8::${random.int(1, 0xffff).toString(16)}]:443`,
        () => '2001:db8:abcd::/48',
        () => '',
      ])();
      return json({ ...event, ip });
    },
  },
  {
    name: 'bad-uuid',
    reason: 'SCHEMA_VIOLATION',
    description: 'a user_id that is no UUID: numeric, cut short, a non-hex digit, an email address',
    make(event, { random }) {
      const user_id = random.pick([
        () => String(random.int(1, 99_999_999)),
        () => event.user_id.slice(0, -1),
        () => event.user_id.replace(/-/g, '').slice(0, 30),
        () => `${event.user_id.slice(0, 9)}g${event.user_id.slice(10)}`,
        () => `${random.word()}@example.com`,
      ])();
      return json({ ...event, user_id });
    },
  },
  {
    name: 'bad-version',
    reason: 'SCHEMA_VIOLATION',
    description: 'an app_version that is not a dotted numeric version ("latest", "v2.3.0", "2.x.0")',
    make(event, { random }) {
      const app_version = random.pick(['latest', `v${event.app_version}`, '2.x.0', '2..1', 'unknown', '']);
      return json({ ...event, app_version });
    },
  },
  {
    name: 'timestamp-too-old',
    reason: 'TIMESTAMP_OUT_OF_RANGE',
    description: 'an event time before 2000-01-01 (a device clock reset to 1970, a bad default)',
    make(event, { random }) {
      const timestamp = String(random.int(1, YEAR_2000_S - 1));
      return json({ ...event, timestamp });
    },
  },
  {
    name: 'timestamp-future',
    reason: 'TIMESTAMP_OUT_OF_RANGE',
    description: 'an event time 1 to 30 days ahead (epoch seconds or milliseconds)',
    make(event, { random, nowMs }) {
      const ahead = nowMs + random.int(DAY_MS, 30 * DAY_MS);
      const timestamp = random.chance(0.5) ? epochSecondsString(ahead) : String(ahead);
      return json({ ...event, timestamp });
    },
  },
];

export type MalformedKindName = string;

export const MALFORMED_KIND_NAMES: readonly string[] = MALFORMED_KINDS.map((k) => k.name);

export function malformedKind(name: string): MalformedKind | undefined {
  return MALFORMED_KINDS.find((k) => k.name === name);
}
