import { DEFAULT_RETRY_POLICY } from '../backoff';
import { KafkaAdapterError } from '../errors';
import { decideRetry } from './retry-policy';

const protocol = (type: string, retriable = false) =>
  Object.assign(new Error(type), { name: 'KafkaJSProtocolError', type, retriable });

describe('decideRetry', () => {
  it.each([
    ['REBALANCE_IN_PROGRESS', 'rejoin'],
    ['ILLEGAL_GENERATION', 'rejoin'],
    ['UNKNOWN_MEMBER_ID', 'rejoin'],
    ['NOT_COORDINATOR_FOR_GROUP', 'retry'],
    ['COORDINATOR_LOAD_IN_PROGRESS', 'retry'],
    ['NOT_LEADER_OR_FOLLOWER', 'retry'],
    ['OUT_OF_ORDER_SEQUENCE_NUMBER', 'retry'],
    ['UNKNOWN_PRODUCER_ID', 'retry'],
    ['INVALID_PRODUCER_EPOCH', 'retry'],
    ['MESSAGE_TOO_LARGE', 'fatal'],
    ['TOPIC_AUTHORIZATION_FAILED', 'fatal'],
  ])('%s → %s', (type, action) => {
    expect(decideRetry(protocol(type), 1, DEFAULT_RETRY_POLICY).action).toBe(action);
  });

  it('retries network errors and missing acknowledgements with the backoff of the attempt', () => {
    const missing = new KafkaAdapterError('no ack', { code: 'MISSING_ACKNOWLEDGEMENT', canRetry: true });
    expect(decideRetry(missing, 3, { initialMs: 100, maxMs: 10_000, factor: 2, jitter: 0 })).toEqual({
      action: 'retry',
      code: 'MISSING_ACKNOWLEDGEMENT',
      delayMs: 400,
    });
    expect(
      decideRetry(Object.assign(new Error('x'), { name: 'KafkaJSConnectionError' }), 1, DEFAULT_RETRY_POLICY).action,
    ).toBe('retry');
  });

  it('stops on programmer errors and unknown errors instead of retrying them forever', () => {
    expect(decideRetry(new TypeError('bug'), 1, DEFAULT_RETRY_POLICY)).toEqual({
      action: 'fatal',
      code: 'PROGRAMMER_ERROR',
    });
    expect(decideRetry(new Error('?'), 1, DEFAULT_RETRY_POLICY)).toEqual({ action: 'fatal', code: 'UNKNOWN' });
  });
});
