import type { ConsumedRecord, RecordHeaders } from '@login/kafka';
import { DLQ_HEADERS } from '@login/event-schema';
import type { PlanOptions } from '../core/replay-plan';
import { newReport, type ReplayReport } from '../core/report';

/** The options of a plain `replay` (every topic by its default name, at most 3 replays), for tests. */
export const DEFAULT_PLAN_OPTIONS: PlanOptions = Object.freeze({
  selection: {},
  includeNonRetryable: false,
  maxReplays: 3,
  inputTopic: 'user-login',
  dlqTopic: 'user-login-dlq',
  outputTopic: 'processed-user-login',
  parkedTopic: 'user-login-dlq-parked',
});

/** docs/contracts.md "Dead letter record" headers of a DLQ record, as strings, for tests. Override or remove (undefined) any of them. */
export function dlqHeaderValues(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const base: Record<string, string | undefined> = {
    [DLQ_HEADERS.topic]: 'user-login',
    [DLQ_HEADERS.partition]: '0',
    [DLQ_HEADERS.offset]: '42',
    [DLQ_HEADERS.group]: 'login-processor',
    [DLQ_HEADERS.originalTimestamp]: '1700000000000',
    [DLQ_HEADERS.failedAt]: '1700000100000',
    [DLQ_HEADERS.stage]: 'VALIDATE',
    [DLQ_HEADERS.reason]: 'TIMESTAMP_OUT_OF_RANGE',
    [DLQ_HEADERS.retryable]: 'true',
    [DLQ_HEADERS.exceptionClass]: 'ValidationError',
    [DLQ_HEADERS.message]: 'event time is in the future',
    [DLQ_HEADERS.schemaId]: 'urn:login-pipeline:schema:user-login:1.0.0',
    [DLQ_HEADERS.processor]: 'processor@1.0.0 host-a',
    [DLQ_HEADERS.eventId]: '5f0c2a52-1b7e-4e0b-9a55-0a1f0c9e8d11',
    [DLQ_HEADERS.replayCount]: '0',
    [DLQ_HEADERS.firstFailedAt]: '1700000100000',
    ...overrides,
  };
  return Object.fromEntries(Object.entries(base).filter((e): e is [string, string] => e[1] !== undefined));
}

export function asRecordHeaders(values: Record<string, string | string[]>): RecordHeaders {
  return Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k, Array.isArray(v) ? v.map((x) => Buffer.from(x)) : Buffer.from(v)]),
  );
}

export function dlqRecord(
  overrides: Record<string, string | undefined> = {},
  coords: {
    partition?: number;
    offset?: string;
    key?: string | null;
    value?: Buffer | null;
    extra?: Record<string, string>;
  } = {},
): ConsumedRecord {
  return {
    topic: 'user-login-dlq',
    partition: coords.partition ?? 0,
    offset: coords.offset ?? '0',
    timestamp: '1700000100000',
    key: coords.key === null ? null : Buffer.from(coords.key ?? 'user-1'),
    value: coords.value === undefined ? Buffer.from('{"user_id":"u"}') : coords.value,
    headers: asRecordHeaders({ ...(coords.extra ?? {}), ...dlqHeaderValues(overrides) }),
  };
}

/** Silent logger for tests; keeps the lines so a failing test can print them. */
export function memoryLogger(): {
  lines: string[];
  error(m: string, meta?: object): void;
  warn(m: string, meta?: object): void;
  info(m: string, meta?: object): void;
  debug(m: string, meta?: object): void;
} {
  const lines: string[] = [];
  const at = (level: string) => (m: string, meta?: object) => {
    lines.push(`${level} ${m} ${meta ? JSON.stringify(meta) : ''}`);
  };
  return { lines, error: at('error'), warn: at('warn'), info: at('info'), debug: () => undefined };
}

export function headerString(headers: RecordHeaders, name: string): string | undefined {
  const v = headers[name];
  if (v === undefined) return undefined;
  return (Array.isArray(v) ? v[v.length - 1] : v)?.toString('utf8');
}

/** The characters a terminal would interpret (controls, C1, bidi overrides) found raw in `text`; [] when safe. */
export function rawTerminalControls(text: string): string[] {
  // eslint-disable-next-line no-control-regex -- finding control characters is the point (newline and tab allowed)
  return text.match(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g) ?? [];
}

/** A fresh report of a real run (not a dry run) over the default topics and group `g`, for tests. */
export function testReport(partitions: { partition: number; start: string; end: string }[]): ReplayReport {
  return newReport({
    runId: 'run-1',
    dryRun: false,
    dlqTopic: 'user-login-dlq',
    targetTopic: 'user-login',
    parkedTopic: 'user-login-dlq-parked',
    group: 'g',
    startedAt: '2026-01-01T00:00:00.000Z',
    partitions,
  });
}
