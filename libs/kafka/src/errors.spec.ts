import * as kafkajs from 'kafkajs';
import {
  KafkaJSConnectionError,
  KafkaJSError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSRequestTimeoutError,
} from 'kafkajs';
import { classifyError, KafkaAdapterError, toAdapterError } from './errors';

// kafkajs error classes whose typings lag behind the runtime (missing export, constructor without arguments).
function kafkajsError(
  name: 'KafkaJSConnectionClosedError' | 'KafkaJSMetadataNotLoaded' | 'KafkaJSSASLAuthenticationError',
  message: string,
): Error {
  const Ctor = (kafkajs as unknown as Record<string, new (m: string) => Error>)[name]!;
  return new Ctor(message);
}

// A broker error as kafkajs builds it from a response's error code.
function protocolError(type: string, retriable: boolean): Error {
  return new KafkaJSProtocolError(Object.assign(new Error(`broker said ${type}`), { type, code: 0, retriable }));
}

function retriesExceeded(cause: Error): Error {
  const Ctor = KafkaJSNumberOfRetriesExceeded as unknown as new (e: Error, meta: object) => Error;
  return new Ctor(cause, { retryCount: 5, retryTime: 1000 });
}

describe('classifyError sorts errors by whether a retry can help', () => {
  const cases: Array<[string, unknown, { retriable: boolean; code: string }]> = [
    [
      'a connection error',
      new KafkaJSConnectionError('Connection error: ECONNREFUSED'),
      { retriable: true, code: 'CONNECTION_ERROR' },
    ],
    [
      'a closed connection',
      kafkajsError('KafkaJSConnectionClosedError', 'Closed connection'),
      { retriable: true, code: 'CONNECTION_CLOSED' },
    ],
    [
      'a request timeout',
      new KafkaJSRequestTimeoutError('Request Produce timed out'),
      { retriable: true, code: 'REQUEST_TIMEOUT' },
    ],
    [
      'missing metadata',
      kafkajsError('KafkaJSMetadataNotLoaded', 'Producing to topic without metadata'),
      { retriable: true, code: 'METADATA_NOT_LOADED' },
    ],
    [
      'NOT_LEADER_FOR_PARTITION',
      protocolError('NOT_LEADER_FOR_PARTITION', true),
      { retriable: true, code: 'NOT_LEADER_FOR_PARTITION' },
    ],
    [
      'LEADER_NOT_AVAILABLE',
      protocolError('LEADER_NOT_AVAILABLE', true),
      { retriable: true, code: 'LEADER_NOT_AVAILABLE' },
    ],
    [
      'UNKNOWN_TOPIC_OR_PARTITION (a topic still being created)',
      protocolError('UNKNOWN_TOPIC_OR_PARTITION', true),
      { retriable: true, code: 'UNKNOWN_TOPIC_OR_PARTITION' },
    ],
    [
      'REBALANCE_IN_PROGRESS (kafkajs flags it non-retriable)',
      protocolError('REBALANCE_IN_PROGRESS', false),
      { retriable: true, code: 'REBALANCE_IN_PROGRESS' },
    ],
    ['ILLEGAL_GENERATION', protocolError('ILLEGAL_GENERATION', false), { retriable: true, code: 'ILLEGAL_GENERATION' }],
    [
      'retries exceeded on a retriable cause',
      retriesExceeded(protocolError('NOT_LEADER_FOR_PARTITION', true)),
      { retriable: true, code: 'NOT_LEADER_FOR_PARTITION' },
    ],
    [
      'retries exceeded on a timeout',
      retriesExceeded(new KafkaJSRequestTimeoutError('timed out')),
      { retriable: true, code: 'REQUEST_TIMEOUT' },
    ],
    [
      'retries exceeded on a non-retriable cause',
      retriesExceeded(protocolError('TOPIC_AUTHORIZATION_FAILED', false)),
      { retriable: false, code: 'TOPIC_AUTHORIZATION_FAILED' },
    ],
    [
      'TOPIC_AUTHORIZATION_FAILED',
      protocolError('TOPIC_AUTHORIZATION_FAILED', false),
      { retriable: false, code: 'TOPIC_AUTHORIZATION_FAILED' },
    ],
    [
      'GROUP_AUTHORIZATION_FAILED',
      protocolError('GROUP_AUTHORIZATION_FAILED', false),
      { retriable: false, code: 'GROUP_AUTHORIZATION_FAILED' },
    ],
    [
      'CLUSTER_AUTHORIZATION_FAILED',
      protocolError('CLUSTER_AUTHORIZATION_FAILED', false),
      { retriable: false, code: 'CLUSTER_AUTHORIZATION_FAILED' },
    ],
    [
      'SASL authentication failure',
      kafkajsError('KafkaJSSASLAuthenticationError', 'SASL PLAIN authentication failed'),
      { retriable: false, code: 'SASL_AUTHENTICATION_FAILED' },
    ],
    ['MESSAGE_TOO_LARGE', protocolError('MESSAGE_TOO_LARGE', false), { retriable: false, code: 'MESSAGE_TOO_LARGE' }],
    [
      'RECORD_LIST_TOO_LARGE',
      protocolError('RECORD_LIST_TOO_LARGE', false),
      { retriable: false, code: 'RECORD_LIST_TOO_LARGE' },
    ],
    ['INVALID_CONFIG', protocolError('INVALID_CONFIG', false), { retriable: false, code: 'INVALID_CONFIG' }],
    [
      "an unlisted protocol error keeps kafkajs's flag",
      protocolError('SOME_FUTURE_ERROR', true),
      { retriable: true, code: 'SOME_FUTURE_ERROR' },
    ],
    [
      'a kafkajs non-retriable error',
      new KafkaJSNonRetriableError('Invalid offset'),
      { retriable: false, code: 'NON_RETRIABLE' },
    ],
    [
      'a generic kafkajs error keeps its flag',
      new KafkaJSError('something', { retriable: true } as never),
      { retriable: true, code: 'KAFKA_ERROR' },
    ],
    [
      'a TypeError (programmer error)',
      new TypeError('x is not a function'),
      { retriable: false, code: 'PROGRAMMER_ERROR' },
    ],
    ['a RangeError (programmer error)', new RangeError('bad'), { retriable: false, code: 'PROGRAMMER_ERROR' }],
    [
      'a socket error',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      { retriable: true, code: 'ECONNREFUSED' },
    ],
    ['an unknown error', new Error('boom'), { retriable: false, code: 'UNKNOWN' }],
    ['a thrown string', 'boom', { retriable: false, code: 'UNKNOWN' }],
    ['null', null, { retriable: false, code: 'UNKNOWN' }],
    [
      'our own error, by its flag',
      new KafkaAdapterError('x', { code: 'SOMETHING', canRetry: true }),
      { retriable: true, code: 'SOMETHING' },
    ],
  ];

  it.each(cases)('%s', (_name, error, expected) => {
    expect(classifyError(error)).toEqual(expected);
  });
});

describe('toAdapterError', () => {
  it('wraps a kafkajs error with code, flag and cause, and keeps our own errors as they are', () => {
    const cause = protocolError('NOT_LEADER_FOR_PARTITION', true);
    const wrapped = toAdapterError(cause, 'send failed');
    expect(wrapped).toBeInstanceOf(KafkaAdapterError);
    expect(wrapped).toMatchObject({ code: 'NOT_LEADER_FOR_PARTITION', canRetry: true, name: 'KafkaAdapterError' });
    expect(wrapped.message).toBe('send failed: broker said NOT_LEADER_FOR_PARTITION');
    expect(wrapped.cause).toBe(cause);
    expect(toAdapterError(wrapped, 'again')).toBe(wrapped);
  });
});
