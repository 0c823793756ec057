// Option types of libs/kafka and their validation. Validation runs once, at construction, and names the failing
// path (`/options/retry/factor must be ≥ 1`), so a misconfiguration fails at start, not at the first record.
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './backoff';
import { KafkaAdapterError } from './errors';

/** The logger libs/kafka writes to: winston's and most loggers' shape. */
export interface LoggerLike {
  error(message: string, meta?: object): void;
  warn(message: string, meta?: object): void;
  info(message: string, meta?: object): void;
  debug(message: string, meta?: object): void;
}

export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

export interface TlsConfig {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly rejectUnauthorized?: boolean;
}

export interface SaslConfig {
  readonly mechanism: SaslMechanism;
  readonly username: string;
  readonly password: string;
}

export type KafkaLogLevel = 'nothing' | 'error' | 'warn' | 'info' | 'debug';

export interface KafkaClientConfig {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** `true`: TLS with the system's CAs; an object: TLS with these PEM buffers. */
  readonly ssl?: TlsConfig | boolean;
  readonly sasl?: SaslConfig;
  /** Which client log lines reach the logger at all (default `info`). */
  readonly logLevel?: KafkaLogLevel;
  /** TCP connect timeout, ms (default 3000). */
  readonly connectionTimeoutMs?: number;
  /** Request timeout, ms (default 30000). */
  readonly requestTimeoutMs?: number;
}

/** Compression codecs the client ships without native add-ons. */
export type CompressionCodec = 'none' | 'gzip';

export interface ProducerOptions {
  /** Default `none`: login events are small and CPU is the processor's bottleneck. */
  readonly compression?: CompressionCodec;
  /** Per-topic codecs over `compression` (e.g. gzip for the dead letter topic only). */
  readonly compressionByTopic?: Readonly<Record<string, CompressionCodec>>;
  /** How long the broker may take to acknowledge a send (acks -1), ms (default 30000). */
  readonly ackTimeoutMs?: number;
  /**
   * Retries inside one `send` before it rejects (default 5). Finite on purpose: the caller (the batch runner)
   * owns the long retry loop, so it can report not-ready and stop cleanly while the broker is away.
   */
  readonly retries?: number;
  /** Requests in flight per connection, 1..5: Kafka keeps idempotence state for the last 5 batches only. */
  readonly maxInFlightRequests?: number;
  /**
   * Byte budget of one topic-partition's records in one produce request (default 786432 = 768 KiB): a send is cut
   * into several requests, sent one after the other, so that no record batch exceeds the topic's
   * `max.message.bytes` (≈ 1 MiB by default), which the broker refuses with MESSAGE_TOO_LARGE. Estimated as key +
   * value + headers + record overhead, uncompressed. Keep it below the smallest `max.message.bytes` of the topics
   * written. A single record larger than the budget is still sent, alone.
   */
  readonly maxBatchBytes?: number;
}

export type { RetryPolicy };

export function invalid(path: string, problem: string): KafkaAdapterError {
  return new KafkaAdapterError(`/options/${path} ${problem}`, { code: 'INVALID_OPTIONS', canRetry: false });
}

export function checkPositiveInt(value: unknown, path: string, { min = 1, max = Number.MAX_SAFE_INTEGER } = {}): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(path, `must be an integer in [${min}, ${max}]`);
  }
}

export function validateClientConfig(config: KafkaClientConfig): void {
  if (!Array.isArray(config.brokers) || config.brokers.length === 0)
    throw invalid('brokers', 'must list at least one broker');
  config.brokers.forEach((b, i) => {
    if (typeof b !== 'string' || !/^[^\s:]+:\d{1,5}$/.test(b.trim()))
      throw invalid(`brokers/${i}`, 'must be host:port');
  });
  if (typeof config.clientId !== 'string' || config.clientId.length === 0)
    throw invalid('clientId', 'must be a non-empty string');
  if (
    config.ssl !== undefined &&
    typeof config.ssl !== 'boolean' &&
    (typeof config.ssl !== 'object' || config.ssl === null)
  ) {
    throw invalid('ssl', 'must be a boolean or { ca, cert, key }');
  }
  if (config.ssl && typeof config.ssl === 'object') {
    for (const k of ['ca', 'cert', 'key'] as const) {
      if (config.ssl[k] !== undefined && !Buffer.isBuffer(config.ssl[k])) throw invalid(`ssl/${k}`, 'must be a Buffer');
    }
    if ((config.ssl.cert === undefined) !== (config.ssl.key === undefined)) {
      throw invalid('ssl', 'cert and key must be given together');
    }
  }
  if (config.sasl !== undefined) {
    const { mechanism, username, password } = config.sasl;
    if (!['plain', 'scram-sha-256', 'scram-sha-512'].includes(mechanism)) {
      throw invalid('sasl/mechanism', 'must be plain, scram-sha-256 or scram-sha-512');
    }
    if (typeof username !== 'string' || username.length === 0)
      throw invalid('sasl/username', 'must be a non-empty string');
    if (typeof password !== 'string') throw invalid('sasl/password', 'must be a string');
  }
  if (config.logLevel !== undefined && !['nothing', 'error', 'warn', 'info', 'debug'].includes(config.logLevel)) {
    throw invalid('logLevel', 'must be nothing, error, warn, info or debug');
  }
  checkPositiveInt(config.connectionTimeoutMs, 'connectionTimeoutMs');
  checkPositiveInt(config.requestTimeoutMs, 'requestTimeoutMs');
}

export function validateProducerOptions(options: ProducerOptions): void {
  const codecs = ['none', 'gzip'];
  if (options.compression !== undefined && !codecs.includes(options.compression))
    throw invalid('compression', 'must be none or gzip');
  if (
    options.compressionByTopic !== undefined &&
    (typeof options.compressionByTopic !== 'object' || options.compressionByTopic === null)
  ) {
    throw invalid('compressionByTopic', 'must be a map of topic to none or gzip');
  }
  for (const [topic, codec] of Object.entries(options.compressionByTopic ?? {})) {
    if (!codecs.includes(codec)) throw invalid(`compressionByTopic/${topic}`, 'must be none or gzip');
  }
  checkPositiveInt(options.ackTimeoutMs, 'ackTimeoutMs');
  // The idempotent producer needs at least one retry (kafkajs refuses 0).
  checkPositiveInt(options.retries, 'retries', { min: 1 });
  checkPositiveInt(options.maxInFlightRequests, 'maxInFlightRequests', { min: 1, max: 5 });
  checkPositiveInt(options.maxBatchBytes, 'maxBatchBytes', { min: 1024 });
}

export function resolveRetryPolicy(policy: Partial<RetryPolicy> | undefined, path = 'retry'): RetryPolicy {
  const merged = { ...DEFAULT_RETRY_POLICY, ...(policy ?? {}) };
  const finite = (v: number) => typeof v === 'number' && Number.isFinite(v);
  if (!finite(merged.initialMs) || merged.initialMs < 0) throw invalid(`${path}/initialMs`, 'must be ≥ 0');
  if (!finite(merged.maxMs) || merged.maxMs < merged.initialMs) throw invalid(`${path}/maxMs`, 'must be ≥ initialMs');
  if (!finite(merged.factor) || merged.factor < 1) throw invalid(`${path}/factor`, 'must be ≥ 1');
  if (!finite(merged.jitter) || merged.jitter < 0 || merged.jitter > 1)
    throw invalid(`${path}/jitter`, 'must be in [0, 1]');
  return merged;
}
