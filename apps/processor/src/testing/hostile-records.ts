// Records that anyone with write access to the input topic can produce, each meant to stall, crash or leak through
// the processor (issue 12). Each carries its own recognisable PII so tests can search outputs, metrics and logs.
import { randomBytes } from 'node:crypto';
import type { OutgoingRecord } from '@login/kafka';
import { validEvent } from './events';

export type RawRecord = Omit<OutgoingRecord, 'topic'>;

export type ExpectedOutcome =
  | { readonly topic: 'dlq'; readonly reason: string; readonly retryable?: boolean; readonly omitted?: string }
  | { readonly topic: 'output'; readonly ip?: string };

export interface HostileCase {
  readonly name: string;
  readonly record: RawRecord;
  /** Sent in a gzip-compressed record batch (the compression bomb). */
  readonly gzip?: boolean;
  readonly expected: ExpectedOutcome;
  /** Raw values that must appear in no output, header, metric or log line. */
  readonly pii: readonly string[];
}

export const BOMB_BYTES = 3 * 1024 * 1024;
export const HEADER_COUNT = 20_000;
export const KEY_BYTES = 1_000_000;

function event(i: number, fields: Record<string, unknown> = {}) {
  return { ...validEvent(i), device_id: `HOSTILE-DEVICE-${i}`, ip: `203.0.113.${i}`, ...fields };
}

const json = (value: unknown) => JSON.stringify(value);

/** A 3 MB value (a valid event padded with spaces) that is a few KB on the wire, gzip-compressed. */
export function compressionBomb(i: number): HostileCase {
  const value = Buffer.alloc(BOMB_BYTES, 0x20);
  Buffer.from(json(event(i))).copy(value);
  return {
    name: 'gzip bomb: 3 MB value, a few KB on the wire',
    record: { key: `bomb-${i}`, value },
    gzip: true,
    expected: { topic: 'dlq', reason: 'VALUE_TOO_LARGE' },
    pii: [`203.0.113.${i}`, `HOSTILE-DEVICE-${i}`],
  };
}

export function manyHeaders(i: number): HostileCase {
  const headers: Record<string, string> = {};
  for (let h = 0; h < HEADER_COUNT; h++) headers[`h-${h}`] = 'v';
  return {
    name: `${HEADER_COUNT} headers`,
    record: { key: `headers-${i}`, value: json(event(i)), headers },
    expected: { topic: 'dlq', reason: 'HEADERS_TOO_LARGE', omitted: 'headers' },
    pii: [`203.0.113.${i}`, `HOSTILE-DEVICE-${i}`],
  };
}

/** A 1 MB key, sent to an explicit partition (the producer's partitioner never hashes it). */
export function bigKey(i: number): HostileCase {
  return {
    name: '1 MB key',
    record: { key: Buffer.alloc(KEY_BYTES, 0x6b), value: json(event(i)), partition: 0 },
    expected: { topic: 'dlq', reason: 'KEY_TOO_LARGE', omitted: 'key' },
    pii: [`203.0.113.${i}`, `HOSTILE-DEVICE-${i}`],
  };
}

/** 3 MB that gzip cannot shrink: larger than the 2 MiB DLQ even compressed (the input topic must take 4 MiB). */
export function incompressible(i: number): HostileCase {
  return {
    name: '3 MB incompressible value (larger than the DLQ, even gzip-compressed)',
    record: { key: `random-${i}`, value: randomBytes(BOMB_BYTES) },
    expected: { topic: 'dlq', reason: 'VALUE_TOO_LARGE', omitted: 'value' },
    pii: [],
  };
}

/** The other cases of the issue, each a single small record. `borrowedId` is the event id of another, real record. */
export function smallHostileCases(first: number, borrowedId: string): HostileCase[] {
  let i = first;
  const next = () => i++;
  const cases: HostileCase[] = [];
  const add = (name: string, make: (n: number) => Omit<HostileCase, 'name' | 'pii'> & { pii?: string[] }) => {
    const n = next();
    const c = make(n);
    cases.push({ name, ...c, pii: [`203.0.113.${n}`, `HOSTILE-DEVICE-${n}`, ...(c.pii ?? [])] });
  };
  /** A case whose record is a valid event with `fields` changed, and no headers. */
  const addEvent = (name: string, fields: Record<string, unknown>, expected: ExpectedOutcome, pii: string[] = []) =>
    add(name, (n) => ({ record: { key: `k${n}`, value: json(event(n, fields)) }, expected, pii }));
  add('spoofed event id header (free text with an IP)', (n) => ({
    record: { key: `k${n}`, value: json(event(n)), headers: { '__dlq.errors.event.id': 'SPOOF 203.0.113.70' } },
    expected: { topic: 'output' },
    pii: ['203.0.113.70'],
  }));
  add('borrowed event id of another real record', (n) => ({
    record: { key: `k${n}`, value: json(event(n)), headers: { '__dlq.errors.event.id': borrowedId } },
    expected: { topic: 'output' },
  }));
  // Well-formed in every field, only unsigned: before signed lineage (issue 23) it was output with the borrowed id.
  add("forged well-formed replay lineage (unsigned) borrowing a real event's id", (n) => ({
    record: {
      key: `k${n}`,
      value: json(event(n)),
      headers: {
        '__dlq.replay.id': 'run-forged',
        '__dlq.errors.replay.count': '1',
        '__dlq.errors.event.id': borrowedId,
        '__dlq.errors.first.failed.at': '1700000000000',
      },
    },
    expected: { topic: 'output' },
  }));
  add('forged replay lineage: count 1e21, first.failed.at free text, repeated ids', (n) => ({
    record: {
      key: `k${n}`,
      value: 'not json',
      headers: {
        '__dlq.replay.id': 'run-forged',
        '__dlq.errors.replay.count': '1e21',
        '__dlq.errors.first.failed.at': 'SPOOF 203.0.113.71',
        '__dlq.errors.event.id': [borrowedId, 'SPOOF 203.0.113.72'],
      },
    },
    expected: { topic: 'dlq', reason: 'INVALID_JSON' },
    pii: ['203.0.113.71', '203.0.113.72'],
  }));
  addEvent(
    '6to4 address embedding 198.18.77.99',
    { ip: '2002:c612:4d63::5' },
    { topic: 'output', ip: '2002:c612:4d00::' },
    ['2002:c612:4d63::5', 'c612:4d63', '198.18.77.99'],
  );
  addEvent('Teredo address', { ip: '2001:0:4136:e378:8000:63bf:3fff:fdd2' }, { topic: 'output', ip: '2001:0:4136::' }, [
    '3fff:fdd2',
    '192.0.2.45',
  ]);
  addEvent('NAT64 address', { ip: '64:ff9b::198.51.100.7' }, { topic: 'output', ip: '64:ff9b::' }, [
    '198.51.100.7',
    'c633:6407',
  ]);
  addEvent(
    'app_version holding an IPv4 address',
    { app_version: '203.0.113.65' },
    { topic: 'dlq', reason: 'SCHEMA_VIOLATION' },
    ['203.0.113.65'],
  );
  addEvent(
    'device_type holding an IPv4 address',
    { device_type: '203.0.113.66 phone' },
    { topic: 'dlq', reason: 'SCHEMA_VIOLATION' },
    ['203.0.113.66'],
  );
  addEvent('locale holding an IPv6 address', { locale: '2001:db8::67' }, { topic: 'dlq', reason: 'SCHEMA_VIOLATION' }, [
    '2001:db8::67',
  ]);
  // Device identifiers through the fields copied to the output (issue 23 item 3).
  add('user_id equal to device_id (an iOS IDFV)', (n) => {
    const idfv = `A1B2C3D4-0000-4000-8000-${String(n).padStart(12, '0')}`;
    return {
      record: { key: `k${n}`, value: json(event(n, { user_id: idfv.toLowerCase(), device_id: idfv })) },
      expected: { topic: 'dlq', reason: 'SCHEMA_VIOLATION' },
      pii: [idfv, idfv.toLowerCase()],
    };
  });
  add('device_type holding an IMEI that is the device_id', (n) => {
    const imei = `35693803${String(n).padStart(7, '0')}`;
    return {
      record: { key: `k${n}`, value: json(event(n, { device_type: `imei${imei}`, device_id: imei })) },
      expected: { topic: 'dlq', reason: 'SCHEMA_VIOLATION' },
      pii: [imei],
    };
  });
  add('device_type an IMEI (not the device_id): "other" in the output', (n) => {
    const imei = `49015420${String(n).padStart(7, '0')}`;
    return {
      record: { key: `k${n}`, value: json(event(n, { device_type: `imei${imei}` })) },
      expected: { topic: 'output' },
      pii: [imei],
    };
  });
  addEvent('device_type a lone surrogate', { device_type: '\udfff' }, { topic: 'dlq', reason: 'SCHEMA_VIOLATION' });
  addEvent('device_type with a NUL', { device_type: 'andr\u0000oid' }, { topic: 'dlq', reason: 'SCHEMA_VIOLATION' });
  addEvent(
    'timestamp in year 9999',
    { timestamp: '253402300799' },
    { topic: 'dlq', reason: 'TIMESTAMP_OUT_OF_RANGE', retryable: false },
  );
  addEvent(
    'timestamp 999999999999999 (ms, year 33658)',
    { timestamp: 999_999_999_999_999 },
    { topic: 'dlq', reason: 'TIMESTAMP_OUT_OF_RANGE', retryable: false },
  );
  return cases;
}
