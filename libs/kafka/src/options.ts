// Option types of the client and its producer, their schemas (option-schema.ts) and the retry policy's check.
// Validation runs once, at construction, and names the failing path (`/options/retry/factor must be ≥ 1`).
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './backoff';
import { integer, invalid, nonEmptyString, optionsCheck } from './option-schema';

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

const codec = { enum: ['none', 'gzip'], message: 'must be none or gzip' } as const;

const clientConfigSchema = {
  type: 'object',
  required: ['brokers', 'clientId'],
  properties: {
    brokers: {
      type: 'array',
      minItems: 1,
      message: 'must list at least one broker',
      // Brokers are trimmed before use (client.ts), so surrounding blanks are allowed.
      items: { type: 'string', pattern: '^\\s*[^\\s:]+:\\d{1,5}\\s*$', message: 'must be host:port' },
    },
    clientId: nonEmptyString,
    ssl: {
      type: ['boolean', 'object'],
      message: 'must be a boolean or { ca, cert, key }',
      properties: Object.fromEntries(
        ['ca', 'cert', 'key'].map((k) => [k, { isBuffer: true, message: 'must be a Buffer' }]),
      ),
    },
    sasl: {
      type: 'object',
      message: 'must be { mechanism, username, password }',
      required: ['mechanism', 'username', 'password'],
      properties: {
        mechanism: {
          enum: ['plain', 'scram-sha-256', 'scram-sha-512'],
          message: 'must be plain, scram-sha-256 or scram-sha-512',
        },
        username: nonEmptyString,
        password: { type: 'string', message: 'must be a string' },
      },
    },
    logLevel: {
      enum: ['nothing', 'error', 'warn', 'info', 'debug'],
      message: 'must be nothing, error, warn, info or debug',
    },
    connectionTimeoutMs: integer(),
    requestTimeoutMs: integer(),
  },
} as const;

const checkClientSchema = optionsCheck<KafkaClientConfig>(clientConfigSchema);

export function validateClientConfig(config: KafkaClientConfig): void {
  checkClientSchema(config);
  // A relation between two settings, which the schema does not express.
  if (
    config.ssl &&
    typeof config.ssl === 'object' &&
    (config.ssl.cert === undefined) !== (config.ssl.key === undefined)
  )
    throw invalid('ssl', 'cert and key must be given together');
}

const producerOptionsSchema = {
  type: 'object',
  properties: {
    compression: codec,
    compressionByTopic: {
      type: 'object',
      message: 'must be a map of topic to none or gzip',
      additionalProperties: codec,
    },
    ackTimeoutMs: integer(),
    // The idempotent producer needs at least one retry (kafkajs refuses 0).
    retries: integer(1),
    maxInFlightRequests: integer(1, 5),
    maxBatchBytes: integer(1024),
  },
} as const;

export const validateProducerOptions = optionsCheck<ProducerOptions>(producerOptionsSchema);

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
