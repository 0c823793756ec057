// Error classification for libs/kafka. Callers decide by flag (`canRetry` / `retriable`), never by parsing messages,
// and they never need kafkajs's error classes to do so.

/** kafkajs's names for "this broker no longer leads that partition": fresh metadata, then ask again. */
export const STALE_LEADERSHIP_CODES: ReadonlySet<string> = new Set([
  'NOT_LEADER_FOR_PARTITION',
  'NOT_LEADER_OR_FOLLOWER',
  'LEADER_NOT_AVAILABLE',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  'REPLICA_NOT_AVAILABLE',
]);

/** The error every libs/kafka API rejects with: a stable code and whether retrying the same call can succeed. */
export class KafkaAdapterError extends Error {
  readonly code: string;
  readonly canRetry: boolean;

  constructor(message: string, options: { code: string; canRetry: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KafkaAdapterError';
    this.code = options.code;
    this.canRetry = options.canRetry;
  }
}

export interface ErrorClassification {
  readonly retriable: boolean;
  readonly code: string;
}

// Protocol error types whose kafkajs flag we override. kafkajs marks the group-membership errors non-retriable
// because its runner handles them by rejoining; for a caller they are transient (the retry after the rejoin works).
const RETRIABLE_PROTOCOL_TYPES = new Set([
  'REBALANCE_IN_PROGRESS',
  'NOT_COORDINATOR_FOR_GROUP',
  'NOT_COORDINATOR',
  'COORDINATOR_NOT_AVAILABLE',
  'GROUP_COORDINATOR_NOT_AVAILABLE',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'GROUP_LOAD_IN_PROGRESS',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
  'NOT_LEADER_FOR_PARTITION',
  'NOT_LEADER_OR_FOLLOWER',
  'LEADER_NOT_AVAILABLE',
  'REQUEST_TIMED_OUT',
  'NETWORK_EXCEPTION',
  'NOT_ENOUGH_REPLICAS',
  'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  'UNKNOWN_TOPIC_OR_PARTITION',
  // The producer's identity or sequence numbers were rejected: the record producer replaces its kafkajs producer
  // (a new id, sequences from 0) and the resend succeeds (record-producer.ts).
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
]);

/** Errors after which no request of this producer id can succeed: the producer must be replaced. */
export const PRODUCER_IDENTITY_CODES: ReadonlySet<string> = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
]);

// Errors no retry can fix: permissions, credentials, sizes and configuration need a human.
const FATAL_PROTOCOL_TYPES = new Set([
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'SASL_AUTHENTICATION_FAILED',
  'ILLEGAL_SASL_STATE',
  'UNSUPPORTED_SASL_MECHANISM',
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'INVALID_CONFIG',
  'INVALID_REQUIRED_ACKS',
  'INVALID_TOPIC_EXCEPTION',
  'INVALID_PARTITIONS',
  'INVALID_REPLICATION_FACTOR',
  'UNSUPPORTED_VERSION',
  'UNSUPPORTED_COMPRESSION_TYPE',
  'POLICY_VIOLATION',
]);

/**
 * Group-membership errors: the consumer must rejoin before a commit or heartbeat can succeed. A coordinator move
 * (NOT_COORDINATOR) is not one of them: the member stays valid, and the commit is retried against the new
 * coordinator once it is found.
 */
export const REBALANCE_CODES: ReadonlySet<string> = new Set([
  'REBALANCE_IN_PROGRESS',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
]);

// Node socket errors that mean "the network is not there right now".
const RETRIABLE_SYSTEM_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

// kafkajs error names (not classes: a few kafkajs subclasses reuse another class's name, and names survive
// being wrapped or serialised) mapped to our codes.
const KAFKAJS_NAMES: Record<string, ErrorClassification> = {
  KafkaJSConnectionError: { retriable: true, code: 'CONNECTION_ERROR' },
  KafkaJSConnectionClosedError: { retriable: true, code: 'CONNECTION_CLOSED' },
  KafkaJSRequestTimeoutError: { retriable: true, code: 'REQUEST_TIMEOUT' },
  KafkaJSNoBrokerAvailableError: { retriable: true, code: 'NO_BROKER_AVAILABLE' },
  KafkaJSBrokerNotFound: { retriable: true, code: 'BROKER_NOT_FOUND' },
  KafkaJSMetadataNotLoaded: { retriable: true, code: 'METADATA_NOT_LOADED' },
  KafkaJSTopicMetadataNotLoaded: { retriable: true, code: 'METADATA_NOT_LOADED' },
  KafkaJSStaleTopicMetadataAssignment: { retriable: true, code: 'STALE_METADATA' },
  KafkaJSGroupCoordinatorNotFound: { retriable: true, code: 'COORDINATOR_NOT_FOUND' },
  KafkaJSLockTimeout: { retriable: true, code: 'LOCK_TIMEOUT' },
  KafkaJSSASLAuthenticationError: { retriable: false, code: 'SASL_AUTHENTICATION_FAILED' },
  KafkaJSServerDoesNotSupportApiKey: { retriable: false, code: 'UNSUPPORTED_VERSION' },
  KafkaJSNotImplemented: { retriable: false, code: 'NOT_IMPLEMENTED' },
  KafkaJSInvariantViolation: { retriable: false, code: 'INVARIANT_VIOLATION' },
  KafkaJSPartialMessageError: { retriable: false, code: 'PARTIAL_MESSAGE' },
  KafkaJSUnsupportedMagicByteInMessageSet: { retriable: false, code: 'UNSUPPORTED_MAGIC_BYTE' },
};

const PROGRAMMER_ERRORS = new Set([
  'TypeError',
  'RangeError',
  'ReferenceError',
  'SyntaxError',
  'EvalError',
  'URIError',
]);

interface ErrorShape {
  name?: unknown;
  type?: unknown;
  code?: unknown;
  retriable?: unknown;
  cause?: unknown;
  originalError?: unknown;
}

function shape(err: unknown): ErrorShape | undefined {
  return typeof err === 'object' && err !== null ? (err as ErrorShape) : undefined;
}

/**
 * Sorts an error into "a retry of the same call can succeed" or not, with a stable code for logs and metrics.
 * Unknown errors are not retriable: retrying a bug forever hides it.
 */
export function classifyError(err: unknown, depth = 0): ErrorClassification {
  if (err instanceof KafkaAdapterError) return { retriable: err.canRetry, code: err.code };
  const e = shape(err);
  if (!e) return { retriable: false, code: 'UNKNOWN' };
  const name = typeof e.name === 'string' ? e.name : '';

  // kafkajs gave up after its own retries: what matters is why it kept failing.
  if (name === 'KafkaJSNumberOfRetriesExceeded') {
    const cause = e.cause ?? e.originalError;
    if (cause !== undefined && cause !== err && depth < 5) {
      const inner = classifyError(cause, depth + 1);
      return inner.code === 'UNKNOWN' ? { retriable: false, code: 'RETRIES_EXCEEDED' } : inner;
    }
    return { retriable: false, code: 'RETRIES_EXCEEDED' };
  }

  // Broker protocol errors carry the Kafka error name in `type`.
  if (typeof e.type === 'string' && e.type.length > 0) {
    if (FATAL_PROTOCOL_TYPES.has(e.type)) return { retriable: false, code: e.type };
    if (RETRIABLE_PROTOCOL_TYPES.has(e.type)) return { retriable: true, code: e.type };
    return { retriable: e.retriable === true, code: e.type };
  }

  const known = KAFKAJS_NAMES[name];
  if (known) return known;

  if (typeof e.code === 'string' && RETRIABLE_SYSTEM_CODES.has(e.code)) return { retriable: true, code: e.code };
  if (PROGRAMMER_ERRORS.has(name)) return { retriable: false, code: 'PROGRAMMER_ERROR' };

  if (name === 'KafkaJSNonRetriableError') {
    // kafkajs wraps some causes in a plain non-retriable error; a retriable cause (e.g. a socket error) wins.
    const cause = e.cause;
    if (cause !== undefined && cause !== err && depth < 5) {
      const inner = classifyError(cause, depth + 1);
      if (inner.retriable) return inner;
    }
    return { retriable: false, code: 'NON_RETRIABLE' };
  }
  if (name.startsWith('KafkaJS')) return { retriable: e.retriable === true, code: 'KAFKA_ERROR' };
  return { retriable: false, code: 'UNKNOWN' };
}

/** Wraps anything a kafkajs call threw into our error type, keeping the original as `cause`. */
export function toAdapterError(err: unknown, context: string): KafkaAdapterError {
  if (err instanceof KafkaAdapterError) return err;
  const { retriable, code } = classifyError(err);
  const message = err instanceof Error ? err.message : String(err);
  return new KafkaAdapterError(`${context}: ${message}`, { code, canRetry: retriable, cause: err });
}

/** Name and message of an error, for logs: never the error's other fields, which may hold record data. */
export function describeError(err: unknown): { errorName: string; errorMessage: string } {
  if (err instanceof Error) return { errorName: err.name, errorMessage: err.message.slice(0, 1024) };
  return { errorName: typeof err, errorMessage: String(err).slice(0, 1024) };
}
