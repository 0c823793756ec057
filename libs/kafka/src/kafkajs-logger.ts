// Routes kafkajs's own log lines into the application's logger, with the kafkajs namespace as `component`.
// Only scalar fields of kafkajs's log entries are kept: buffers, payloads and nested objects could carry record
// bytes (docs/contracts.md "Metrics": never a record value in logs).
import { logLevel, type logCreator, type LogEntry } from 'kafkajs';
import type { KafkaLogLevel, LoggerLike } from './options';

const DROPPED_FIELDS = new Set([
  'message',
  'timestamp',
  'logger',
  'namespace',
  'level',
  'label',
  'value',
  'values',
  'key',
  'messages',
  'payload',
  'buffer',
  'data',
  'headers',
  'topicMessages',
  'request',
  'response',
]);

export const KAFKAJS_LOG_LEVELS: Record<KafkaLogLevel, logLevel> = {
  nothing: logLevel.NOTHING,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
};

/** Scalar, bounded metadata from a kafkajs log entry; errors become their name and message. */
export function sanitizeLogFields(fields: Record<string, unknown>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (DROPPED_FIELDS.has(name) || value === undefined || value === null) continue;
    if (name === 'stack') continue; // stacks are noise in JSON logs; the error name and message identify the failure
    if (value instanceof Error) {
      out[name] = `${value.name}: ${value.message}`.slice(0, 1024);
    } else if (typeof value === 'string') {
      out[name] = value.slice(0, 1024);
    } else if (typeof value === 'number' || typeof value === 'boolean') {
      out[name] = value;
    } else if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) {
      out[name] = value.slice(0, 50).join(',');
    }
  }
  return out;
}

// kafkajs warnings about choices we made on purpose, logged at debug so they do not read as problems.
// Finite producer retries: the batch runner owns the long retry loop (readiness, clean stop); a resend after
// an exhausted retry can duplicate a record, which at-least-once delivery with stable event ids allows.
const DELIBERATE = new Set(['Limiting retries for the idempotent producer may invalidate EoS guarantees']);

// kafkajs logs every error response at error level, also those it (or transactional-producer.ts) retries as part
// of normal work: a transaction's first request answered CONCURRENT_TRANSACTIONS while the coordinator still writes
// the previous transaction's markers, or while a new holder of the id waits for the old transaction's abort.
const ROUTINE_ERRORS = new Set([
  'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing',
]);

function isRoutine(text: string, error: unknown): boolean {
  if (typeof error === 'string' && ROUTINE_ERRORS.has(error)) return true;
  for (const routine of ROUTINE_ERRORS) if (text.endsWith(routine)) return true;
  return false;
}

/**
 * kafkajs reports every protocol error response ("Response Metadata(key: 3, ...)") and every failed connection at
 * error level, also those it retries as normal work (a coordinator still loading at start, a leader moving) and
 * those it then throws to libs/kafka, which decides and logs what they mean (the runner's one warning when a chunk
 * starts retrying, not-ready, recovered). These details go to debug.
 */
function isDetail(text: string): boolean {
  return text.startsWith('Response ');
}

/** How long the same kafkajs line stays quiet after it was logged: a broker outage is one line, not hundreds. */
export const REPEAT_WINDOW_MS = 60_000;

/**
 * A kafkajs logCreator writing to `logger`. kafkajs's error level becomes warn: kafkajs cannot tell a failure the
 * application survives from one it does not, and libs/kafka logs its own errors. The same line logged again within
 * REPEAT_WINDOW_MS is counted, not written; its next appearance after the window carries `repeated`.
 */
export function kafkajsLogCreator(logger: LoggerLike, now: () => number = Date.now): logCreator {
  const recent = new Map<string, { at: number; repeated: number }>();
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, ...rest } = log;
      const meta: Record<string, unknown> = {
        component: namespace ? `kafkajs.${namespace}` : 'kafkajs',
        ...sanitizeLogFields(rest),
      };
      const text = typeof message === 'string' ? message : String(message);
      const routine = DELIBERATE.has(text) || isRoutine(text, (log as { error?: unknown }).error) || isDetail(text);
      const effective = routine ? logLevel.DEBUG : level;
      if (effective === logLevel.ERROR || effective === logLevel.WARN) {
        const key = `${namespace}\u0000${text}`;
        const seen = recent.get(key);
        const at = now();
        if (seen && at - seen.at < REPEAT_WINDOW_MS) {
          seen.repeated += 1;
          return;
        }
        if (seen && seen.repeated > 0) meta['repeated'] = seen.repeated;
        recent.set(key, { at, repeated: 0 });
        if (recent.size > 1000) recent.clear(); // bounded: distinct texts could carry varying detail
        logger.warn(text, meta);
        return;
      }
      if (effective === logLevel.INFO) logger.info(text, meta);
      else logger.debug(text, meta);
    };
}
